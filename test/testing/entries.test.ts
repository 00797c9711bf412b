/**
 * The testing kit's two entries: `smooth-operator-rx/testing` bundles for a browser (Karma,
 * Vitest browser mode, Web Test Runner), so nothing it reaches may import Node built-ins or the
 * `ws` server; the Node mock server lives at `smooth-operator-rx/testing/server`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { build, stop } from 'esbuild';
import * as browserEntry from 'smooth-operator-rx/testing';
import { startMockServer } from 'smooth-operator-rx/testing/server';

const root = path.resolve(__dirname, '../..');

afterAll(() => stop());

describe('smooth-operator-rx/testing (browser-safe)', () => {
  it('bundles for the browser with rxjs external: no node: built-in, http, crypto or ws import in the output', async () => {
    const result = await build({
      absWorkingDir: root,
      entryPoints: ['src/testing/index.ts'],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      external: ['rxjs'],
      metafile: true,
      logLevel: 'silent',
    });
    expect(result.errors).toEqual([]);
    const code = result.outputFiles.map((file) => file.text).join('\n');
    const specifiers = [...code.matchAll(/\b(?:from|import|require)\s*\(?\s*["']([^"']+)["']/g)].map((m) => m[1]);
    expect(specifiers.filter((s) => s !== 'rxjs' && !s?.startsWith('rxjs/'))).toEqual([]);
    expect(code).not.toMatch(/["']node:|["'](?:http|https|net|crypto|ws)["']/);
    // ws's browser stub would bundle fine and throw at import time: it must not be reached either.
    expect(Object.keys(result.metafile.inputs).filter((input) => input.includes('node_modules'))).toEqual([]);
  });

  it('exports the controller, fake sockets and frame builders, and not the Node mock server', () => {
    expect(typeof browserEntry.SmoothTestingController).toBe('function');
    expect(typeof browserEntry.FakeSockets).toBe('function');
    expect(typeof browserEntry.serverFrames.tokenFrame).toBe('function');
    expect('startMockServer' in browserEntry).toBe(false);
  });
});

describe('smooth-operator-rx/testing/server (Node)', () => {
  it('is a Node-only subpath with its own types, next to the browser-safe ./testing', () => {
    const { exports } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { exports: Record<string, Record<string, string>> };
    expect(exports['./testing']).toEqual({ types: './dist/src/testing/index.d.ts', default: './dist/src/testing/index.js' });
    expect(exports['./testing/server']).toEqual({ types: './dist/src/testing/mock-server/index.d.ts', node: './dist/src/testing/mock-server/index.js' });
  });

  it('starts the mock server when imported by its package name', async () => {
    const server = await startMockServer();
    try {
      expect(server.url).toBe(`ws://127.0.0.1:${server.port}/ws`);
    } finally {
      await server.close();
    }
  });
});
