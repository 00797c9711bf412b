// The stress suite (fuzz, faults, leak, secrets): `npm run test:stress`, not `npm test`. It reuses
// the transform and module mapping of jest.config.cjs. Its files end in `.stress.ts`, not
// `.test.ts`, because the main config's `**/*.test.ts` would otherwise pick them up.
const base = require('./jest.config.cjs');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/test/stress'],
  testMatch: ['**/*.stress.ts'],
  // One file at a time: each is CPU-bound and the machine has 2 cores; the leak test's heap
  // figures mean nothing with another suite allocating in the same process.
  maxWorkers: 1,
  // The figures each suite prints (seed, frames, turns, heap) are the point of the run.
  reporters: ['default'],
  testTimeout: 120_000,
};
