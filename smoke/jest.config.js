const path = require('node:path');

/**
 * Jest for the smoke host: node environment, the repo's babel config (test env presets).
 * Run through `npm run test:smoke` (scripts/smoke.mjs) or `npx jest -c smoke/jest.config.js`.
 * The host itself runs in a child process per build (see run-host.ts), so jest's sandbox never
 * sees the compiled mini-program code.
 */
/** @type {import('jest').Config} */
module.exports = {
  rootDir: path.resolve(__dirname, '..'),
  roots: ['<rootDir>/smoke'],
  testEnvironment: 'node',
  testMatch: ['**/*.test.ts'],
  transform: { '\\.[jt]sx?$': ['babel-jest', { configFile: path.resolve(__dirname, '..', 'babel.config.js') }] },
  moduleNameMapper: {
    '^@contract$': '<rootDir>/contract/index.ts',
    '^@contract/(.*)$': '<rootDir>/contract/$1',
  },
  testTimeout: 120000,
};
