const path = require('node:path');

/**
 * Browser end-to-end tests: the H5 production build in Debian's Chromium against the real
 * server on loopback. Run through `npm run test:e2e` (e2e/run.mjs), which checks the
 * prerequisites first and runs the files one at a time.
 * @type {import('jest').Config}
 */
module.exports = {
  rootDir: path.resolve(__dirname, '..'),
  roots: ['<rootDir>/e2e'],
  testMatch: ['**/*.e2e.ts'],
  testEnvironment: 'node',
  moduleNameMapper: {
    '^@contract$': '<rootDir>/contract/index.ts',
    '^@contract/(.*)$': '<rootDir>/contract/$1',
  },
  // A server start, a login and a sandbox payment each take seconds on a busy 2-core machine.
  testTimeout: 240000,
  slowTestThreshold: 60,
  maxWorkers: 1,
};
