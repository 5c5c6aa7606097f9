const aliases = {
  '^@/(.*)$': '<rootDir>/src/$1',
  '^@contract$': '<rootDir>/contract/index.ts',
  '^@contract/(.*)$': '<rootDir>/contract/$1',
};

/** @type {import('jest').Config} */
module.exports = {
  // Server tests start real HTTP servers and, with TEST_DB=postgres, make their own schemas.
  testTimeout: 60000,
  projects: [
    {
      displayName: 'contract',
      testEnvironment: 'node',
      roots: ['<rootDir>/contract'],
      moduleNameMapper: aliases,
    },
    {
      displayName: 'client',
      testEnvironment: 'jsdom',
      roots: ['<rootDir>/src'],
      setupFilesAfterEnv: ['<rootDir>/src/test/setup.ts'],
      moduleNameMapper: {
        ...aliases,
        '^@tarojs/taro$': '<rootDir>/src/test/taro-mock.ts',
        '^@tarojs/components$': '<rootDir>/src/test/components-mock.tsx',
        '\\.(css|scss|less)$': '<rootDir>/src/test/style-mock.ts',
      },
    },
    {
      displayName: 'server',
      testEnvironment: 'node',
      roots: ['<rootDir>/server'],
      moduleNameMapper: aliases,
    },
  ],
};
