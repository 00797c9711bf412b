/**
 * `@angular/core` is an optional peer of `smooth-operator-rx/angular` only: the core, operators,
 * testing and mock-server entries must bundle without reaching Angular, no source outside
 * `src/angular/` may even name it (a type-only import vanishes from the bundle but not from the
 * published .d.ts), and the angular entry is a subpath of its own.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { build, stop } from 'esbuild';
import * as angularEntry from 'smooth-operator-rx/angular';

const root = path.resolve(__dirname, '../..');

afterAll(() => stop());

/** Every file under `dir` (relative to the root), recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)));
}

async function bundle(entry: string, external: string[]): Promise<{ code: string; inputs: string[] }> {
  // The mock server is the Node-only `./testing/server` export (it listens on a port).
  const platform = entry.includes('mock-server') ? 'node' : 'browser';
  const result = await build({ absWorkingDir: root, entryPoints: [entry], bundle: true, platform, format: 'esm', write: false, external, metafile: true, logLevel: 'silent' });
  return { code: result.outputFiles.map((file) => file.text).join('\n'), inputs: Object.keys(result.metafile.inputs) };
}

describe('smooth-operator-rx/angular is the only entry that imports Angular', () => {
  it.each(['src/index.ts', 'operators/index.ts', 'src/testing/index.ts', 'src/testing/mock-server/index.ts'])('%s bundles without @angular', async (entry) => {
    // Angular left external would show as an import in the output; bundled, as an input.
    const { code, inputs } = await bundle(entry, ['rxjs', 'isomorphic-ws', '@angular/*']);
    expect(code).not.toMatch(/@angular/);
    expect(inputs.filter((input) => input.includes('@angular') || input.includes('src/angular/'))).toEqual([]);
  });

  it('no file outside src/angular/ mentions @angular (a type-only import bundles to nothing but stays in the published .d.ts)', () => {
    const files = [...filesUnder('src'), ...filesUnder('operators')].filter((file) => !file.startsWith(`src${path.sep}angular${path.sep}`));
    expect(files.length).toBeGreaterThan(10);
    expect(files.filter((file) => readFileSync(path.join(root, file), 'utf8').includes('@angular'))).toEqual([]);
  });

  it('the angular entry does import @angular/core (the check above can see it)', async () => {
    const { code } = await bundle('src/angular/index.ts', ['rxjs', 'isomorphic-ws', '@angular/*']);
    expect(code).toMatch(/from\s*["']@angular\/core["']/);
  });

  it('is exported as ./angular with its own types', () => {
    const { exports } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
    expect(exports['./angular']).toEqual({ types: './dist/src/angular/index.d.ts', default: './dist/src/angular/index.js' });
    expect(Object.keys(angularEntry).sort()).toEqual(
      [
        'SMOOTH_CLIENT',
        'SMOOTH_OPERATOR_CONFIG',
        'SmoothTestingController',
        'injectConnectionState',
        'injectSmoothChat',
        'injectSmoothClient',
        'injectSmoothSession',
        'injectSmoothTestingController',
        'provideSmoothOperator',
        'provideSmoothOperatorTesting',
        'turnSignals',
      ].sort(),
    );
  });
});
