/** Tests run against the real MariaDB and Redis on this machine; each test file gets its own database. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // test/cluster needs the cluster rig (scripts/cluster); it runs under its own config.
  testPathIgnorePatterns: ['/node_modules/', '/test/cluster/'],
  transform: {
    // Type-checking is `npm run typecheck`'s job; here ts-jest only transpiles, which keeps runs fast.
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
  },
  testTimeout: 60_000,
  // Two cores: two workers keep the machine busy without starving MariaDB.
  maxWorkers: 2,
  globalSetup: '<rootDir>/test/support/globalSetup.ts',
  reporters: ['default', '<rootDir>/test/support/summaryReporter.js'],
};
