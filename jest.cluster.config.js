/**
 * The cluster suite (`npm run test:cluster`, scripts/cluster/run.sh): test/cluster against the rig of
 * scripts/cluster/ (Galera on 4306-4308, Redis Cluster and Sentinel). One file at a time: the files share
 * one rig and kill its nodes. Transforms come from jest.config.js, so both suites load the same modules.
 */
const base = require('./jest.config');

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/cluster'],
  testMatch: ['**/*.test.ts'],
  transform: base.transform,
  transformIgnorePatterns: base.transformIgnorePatterns,
  testTimeout: 300_000,
  maxWorkers: 1,
  reporters: ['default', '<rootDir>/test/support/summaryReporter.js'],
};
