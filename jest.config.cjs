/** The same TypeScript transform everywhere; the Angular tests add legacy decorators (their test components). */
const swcTypeScript = (decorators) => [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators },
      target: 'es2022',
      ...(decorators ? { transform: { legacyDecorator: true, decoratorMetadata: false } } : {}),
    },
    module: { type: 'commonjs' },
  },
];

/** ESM-only packages of the CLI (`wrap-ansi` and what it imports). */
const ESM_ONLY = 'wrap-ansi|string-width|strip-ansi|ansi-regex|ansi-styles|get-east-asian-width';

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Sources are ESM TypeScript; tests run them as CommonJS (Jest's ESM mode is still experimental).
  // The first matching pattern wins: test/angular before every other .ts file.
  transform: {
    '^.+/test/angular/.+\\.ts$': swcTypeScript(true),
    '^.+\\.ts$': swcTypeScript(false),
    // Angular and the CLI's terminal packages ship ESM only: turned into CommonJS like our sources.
    [`^.+/node_modules/(?:@angular|${ESM_ONLY})/.+\\.m?js$`]: ['@swc/jest', { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  // node_modules stay untransformed, except those ESM-only packages.
  transformIgnorePatterns: [`/node_modules/(?!@angular/|(?:${ESM_ONLY})/)`],
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
    // The examples import the package by name, as users do: map it to the sources.
    '^smooth-operator-rx$': '<rootDir>/src/index.ts',
    '^smooth-operator-rx/operators$': '<rootDir>/operators/index.ts',
    '^smooth-operator-rx/angular$': '<rootDir>/src/angular/index.ts',
    '^smooth-operator-rx/testing$': '<rootDir>/src/testing/index.ts',
    '^smooth-operator-rx/testing/server$': '<rootDir>/src/testing/mock-server/index.ts',
  },
  // .mjs so Jest resolves Angular's fesm2022 bundles.
  moduleFileExtensions: ['js', 'mjs', 'cjs', 'ts', 'json', 'node'],
  reporters: ['default', '<rootDir>/test/support/summary-reporter.cjs'],
};
