/**
 * The terminal packages the CLI uses (`wrap-ansi`, `string-width`) are the CLI's alone: the
 * package's browser entries never reach them.
 */
import path from 'node:path';
import { build, stop } from 'esbuild';

const root = path.resolve(__dirname, '../..');
const TERMINAL_PACKAGES = /node_modules\/(?:wrap-ansi|string-width)\//;

afterAll(() => stop());

async function inputsOf(entry: string, platform: 'browser' | 'node'): Promise<string[]> {
  const result = await build({
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    platform,
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'silent',
    external: ['rxjs', 'isomorphic-ws', 'ws', '@angular/*'],
  });
  return Object.keys(result.metafile.inputs);
}

describe('terminal packages', () => {
  it('are reached from the CLI', async () => {
    expect((await inputsOf('src/cli/main.ts', 'node')).filter((input) => TERMINAL_PACKAGES.test(input))).not.toEqual([]);
  });

  it.each(['src/index.ts', 'operators/index.ts', 'src/angular/index.ts', 'src/testing/index.ts'])('stay out of the browser entry %s', async (entry) => {
    expect((await inputsOf(entry, 'browser')).filter((input) => TERMINAL_PACKAGES.test(input))).toEqual([]);
  });
});
