/** What an app imports, as bundle entries: shared by `bench/bundle.ts` (sizes) and its test (contents). */
export interface Entry {
  name: string;
  /** The entry module's source: what the app imports, re-exported so that it is kept. */
  source: string;
}

/** The typical browser import: client, session and turn (methods of the client), `text()`, `confirmWrites()`. */
export const TYPICAL: Entry = {
  name: 'typical',
  source: `export { createSmoothClient } from './src/index.ts';\nexport { text, confirmWrites } from './operators/index.ts';`,
};

export const ENTRIES: readonly Entry[] = [
  { name: 'core', source: `export { createSmoothClient } from './src/index.ts';` },
  { name: 'operators', source: `export * from './operators/index.ts';` },
  { name: 'validators', source: `export { validateEvent, validateAction } from './src/index.ts';` },
  { name: 'validateEvent', source: `export { validateEvent } from './src/index.ts';` },
  TYPICAL,
];
