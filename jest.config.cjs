/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Sources are ESM TypeScript; tests run them as CommonJS (Jest's ESM mode is still experimental).
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
    // The examples import the package by name, as users do: map it to the sources.
    '^smooth-operator-rx$': '<rootDir>/src/index.ts',
    '^smooth-operator-rx/operators$': '<rootDir>/operators/index.ts',
    '^smooth-operator-rx/testing$': '<rootDir>/src/testing/index.ts',
    '^smooth-operator-rx/testing/server$': '<rootDir>/src/testing/mock-server/index.ts',
  },
  reporters: ['default', '<rootDir>/test/support/summary-reporter.cjs'],
};
