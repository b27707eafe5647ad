/**
 * The cluster suite (`npm run test:cluster`, scripts/cluster/run.sh): test/cluster against the rig of
 * scripts/cluster/ (Galera on 4306-4308). One file at a time: the files share one rig and kill its nodes.
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/cluster'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
  },
  testTimeout: 300_000,
  maxWorkers: 1,
  reporters: ['default'],
};
