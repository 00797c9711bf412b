/**
 * `@angular/core` is an optional peer of `smooth-operator-rx/angular` only: the core, operators
 * and testing entries must bundle without reaching Angular, and the angular entry is a subpath
 * of its own.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { build, stop } from 'esbuild';
import * as angularEntry from 'smooth-operator-rx/angular';

const root = path.resolve(__dirname, '../..');

afterAll(() => stop());

async function bundle(entry: string, external: string[]): Promise<{ code: string; inputs: string[] }> {
  const result = await build({ absWorkingDir: root, entryPoints: [entry], bundle: true, platform: 'browser', format: 'esm', write: false, external, metafile: true, logLevel: 'silent' });
  return { code: result.outputFiles.map((file) => file.text).join('\n'), inputs: Object.keys(result.metafile.inputs) };
}

describe('smooth-operator-rx/angular is the only entry that imports Angular', () => {
  it.each(['src/index.ts', 'operators/index.ts', 'src/testing/index.ts'])('%s bundles without @angular', async (entry) => {
    // Angular left external would show as an import in the output; bundled, as an input.
    const { code, inputs } = await bundle(entry, ['rxjs', 'isomorphic-ws', '@angular/*']);
    expect(code).not.toMatch(/@angular/);
    expect(inputs.filter((input) => input.includes('@angular') || input.includes('src/angular/'))).toEqual([]);
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
