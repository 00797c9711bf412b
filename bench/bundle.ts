/**
 * Browser bundle sizes (esbuild, minified, ESM, platform browser; gzip level 9) of what an app
 * imports: the core (`createSmoothClient`), the operators, the validators, and the typical import
 * (`createSmoothClient` + `text()` + `confirmWrites()`; `turn` is a method of the client), each
 * with rxjs bundled and with rxjs left to the app. Also how many minified bytes of the typical
 * import come from the generated validators (from esbuild's metafile).
 *
 *   npx tsx bench/bundle.ts     prints a table, writes bench/results/bundle.json
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { browserBundle, ENTRIES, type Entry } from './bundle-entries.js';

const root = fileURLToPath(new URL('..', import.meta.url));

interface Row {
  entry: string;
  rxjs: 'bundled' | 'external';
  minBytes: number;
  gzipBytes: number;
  /** Minified bytes that come from src/generated/ (the validators). */
  generatedMinBytes: number;
}

async function measure(entry: Entry, rxjs: Row['rxjs']): Promise<Row> {
  const bundle = await browserBundle(entry.source, rxjs);
  let generatedMinBytes = 0;
  for (const [input, bytes] of bundle.bytesByModule) if (input.startsWith('src/generated/')) generatedMinBytes += bytes;
  return { entry: entry.name, rxjs, minBytes: bundle.minBytes, gzipBytes: bundle.gzipBytes, generatedMinBytes };
}

const kb = (bytes: number) => (bytes / 1024).toFixed(1).padStart(7);

async function main(): Promise<void> {
  const rows: Row[] = [];
  for (const entry of ENTRIES) {
    for (const rxjs of ['bundled', 'external'] as const) {
      // Validators import nothing from rxjs: one row says it all.
      if (rxjs === 'bundled' && entry.name.startsWith('validat')) continue;
      rows.push(await measure(entry, rxjs));
    }
  }
  console.log(`${'entry'.padEnd(14)} ${'rxjs'.padEnd(9)} ${'min KB'.padStart(7)} ${'gzip KB'.padStart(7)} ${'gen. min KB'.padStart(11)}`);
  for (const r of rows) {
    console.log(`${r.entry.padEnd(14)} ${r.rxjs.padEnd(9)} ${kb(r.minBytes)} ${kb(r.gzipBytes)} ${kb(r.generatedMinBytes).padStart(11)}`);
  }
  const dir = path.join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'bundle.json');
  writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), unit: 'bytes', gzipLevel: 9, rows }, null, 2) + '\n');
  console.log(`wrote ${path.relative(root, file)}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
