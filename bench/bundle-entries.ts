import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

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

/** A browser bundle of `source` (esbuild, minified, ESM), as an app's bundler would make it. */
export interface BrowserBundle {
  readonly code: string;
  readonly minBytes: number;
  /** gzip level 9. */
  readonly gzipBytes: number;
  /** Minified bytes each module puts in the output: only modules with bytes are in the bundle (the rest was shaken out). */
  readonly bytesByModule: ReadonlyMap<string, number>;
}

export async function browserBundle(source: string, rxjs: 'bundled' | 'external' = 'bundled'): Promise<BrowserBundle> {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const result = await build({
    absWorkingDir: root,
    stdin: { contents: source, resolveDir: root, loader: 'ts', sourcefile: 'entry.ts' },
    bundle: true,
    minify: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    write: false,
    metafile: true,
    external: rxjs === 'external' ? ['rxjs', 'rxjs/*'] : [],
    logLevel: 'silent',
  });
  const [output] = result.outputFiles;
  if (output === undefined) throw new Error('esbuild produced no output');
  const bytesByModule = new Map<string, number>();
  for (const out of Object.values(result.metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(out.inputs)) if (bytesInOutput > 0) bytesByModule.set(input, bytesInOutput);
  }
  return { code: output.text, minBytes: output.contents.byteLength, gzipBytes: gzipSync(output.contents, { level: 9 }).byteLength, bytesByModule };
}
