/**
 * What the generated validators cost in a browser bundle (esbuild, minified, gzip): a budget for
 * the event validators every client carries, and proof that a bundle keeps only the validators its
 * imports reach. Sizes are deterministic for a given spec and esbuild, unlike speed; the budgets
 * leave ~10% room for spec growth. `npx tsx bench/bundle.ts` prints the whole table.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { stop } from 'esbuild';
import { browserBundle } from '../../bench/bundle-entries.js';

const root = path.resolve(__dirname, '../..');

afterAll(() => stop());

async function bundle(source: string): Promise<{ code: string; gzip: number }> {
  const { code, gzipBytes } = await browserBundle(source);
  return { code, gzip: gzipBytes };
}

/** Every description and title text in spec/: annotations that must not reach a bundle. */
function annotations(): string[] {
  const out: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === 'description' && typeof value === 'string') out.push(value);
      else walk(value);
    }
  };
  for (const group of ['actions', 'events', 'objects', 'interactions']) {
    for (const name of readdirSync(path.join(root, 'spec', group))) walk(JSON.parse(readFileSync(path.join(root, 'spec', group, name), 'utf8')));
  }
  return out;
}

describe('generated validators in a bundle', () => {
  it('validateEvent (every event validator) stays within 4.5 KB gzipped, with no action validator and no annotation text', async () => {
    const { code, gzip } = await bundle(`export { validateEvent } from './src/index.ts';`);
    expect(gzip).toBeLessThanOrEqual(4.5 * 1024);
    expect(code).not.toContain('send_message'); // the action lookup is not reached
    // The schemas are in the bundle as descriptions the compiler reads, stripped of annotations.
    const texts = annotations();
    expect(texts.length).toBeGreaterThan(50);
    expect(texts.filter((text) => code.includes(JSON.stringify(text).slice(1, -1)))).toEqual([]);
  }, 30_000);

  it('importing the objects namespace keeps only the validators read', async () => {
    const one = await bundle(`import * as objectValidators from './src/generated/validators/objects.ts';\nexport const v = objectValidators.Session;`);
    const all = await bundle(`import * as objectValidators from './src/generated/validators/objects.ts';\nexport const v = objectValidators;`);
    // The schema compiler is in both; what differs is the schemas kept.
    const compiler = await bundle(`export { compile } from './src/validation/compile.ts';`);
    expect(one.code.length - compiler.code.length).toBeLessThan((all.code.length - compiler.code.length) / 4);
    expect(one.code).not.toContain('conversations'); // ConversationList's
  }, 30_000);
});
