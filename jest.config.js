/** Tests run against the real MariaDB and Redis on this machine; each test file gets its own database. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // test/cluster needs the rig of scripts/cluster/: `npm run test:cluster` runs it (jest.cluster.config.js).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/cluster/'],
  transform: {
    // Type-checking is `npm run typecheck`'s job; here ts-jest only transpiles, which keeps runs fast.
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
    // otplib's plugins load @scure/base and @noble/hashes, published as ES modules only. Node loads them
    // with require() (20.19+); Jest's module loader cannot, so Jest gets them transpiled to CommonJS.
    '^.+/node_modules/@(scure|noble)/.+\\.js$': [
      'ts-jest',
      { diagnostics: false, tsconfig: { allowJs: true, module: 'commonjs' } },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!.*/node_modules/)(?!(@scure|@noble)/)'],
  testTimeout: 60_000,
  // Two cores: two workers keep the machine busy without starving MariaDB.
  maxWorkers: 2,
  globalSetup: '<rootDir>/test/support/globalSetup.ts',
  reporters: ['default', '<rootDir>/test/support/summaryReporter.js'],
};
