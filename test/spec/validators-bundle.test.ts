/**
 * What the generated validators cost in a browser bundle (esbuild, minified, gzip): a budget for
 * the event validators every client carries, and proof that a bundle keeps only the validators its
 * imports reach. Sizes are deterministic for a given spec and esbuild, unlike speed; the budgets
 * leave ~10% room for spec growth. `npx tsx bench/bundle.ts` prints the whole table.
 */
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, stop } from 'esbuild';

const root = path.resolve(__dirname, '../..');

afterAll(() => stop());

async function bundle(source: string): Promise<{ code: string; gzip: number }> {
  const result = await build({
    absWorkingDir: root,
    stdin: { contents: source, resolveDir: root, loader: 'ts' },
    bundle: true,
    minify: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    logLevel: 'silent',
  });
  const [output] = result.outputFiles;
  if (output === undefined) throw new Error('esbuild produced no output');
  return { code: output.text, gzip: gzipSync(output.contents, { level: 9 }).byteLength };
}

describe('generated validators in a bundle', () => {
  it('validateEvent (every event validator) stays within 6 KB gzipped, with no action validator and no schema text', async () => {
    const { code, gzip } = await bundle(`export { validateEvent } from './src/index.ts';`);
    expect(gzip).toBeLessThanOrEqual(6 * 1024);
    expect(code).not.toContain('send_message'); // the action lookup is not reached
    expect(code).not.toMatch(/properties:\{/); // no schema object kept beside the code
  }, 30_000);

  it('importing the objects namespace keeps only the validators read', async () => {
    const one = await bundle(`import * as objectValidators from './src/generated/validators/objects.ts';\nexport const v = objectValidators.Session;`);
    const all = await bundle(`import * as objectValidators from './src/generated/validators/objects.ts';\nexport const v = objectValidators;`);
    expect(one.code.length).toBeLessThan(all.code.length / 4);
  }, 30_000);
});
