/**
 * What the typical browser import (client + session + turn + `text()` + `confirmWrites()`, rxjs
 * left to the app) carries, and what it must not: what an app does not use stays out of its
 * bundle. Proven from esbuild's metafile (no module of the part puts a byte in the output) and from strings only
 * that part's code has. `npx tsx bench/bundle.ts` prints the sizes.
 */
import { stop } from 'esbuild';
import { browserBundle, TYPICAL } from '../../bench/bundle-entries.js';

afterAll(() => stop());

let typical: { code: string; inputs: string[]; gzip: number } | undefined;

async function typicalBundle(): Promise<{ code: string; inputs: string[]; gzip: number }> {
  if (typical !== undefined) return typical;
  const bundle = await browserBundle(TYPICAL.source, 'external');
  typical = { code: bundle.code, inputs: [...bundle.bytesByModule.keys()], gzip: bundle.gzipBytes };
  return typical;
}

describe('the typical browser bundle', () => {
  it('carries no chat (createSmoothChat, src/chat/)', async () => {
    const { code, inputs } = await typicalBundle();
    expect(inputs.filter((input) => input.startsWith('src/chat/'))).toEqual([]);
    expect(code).not.toContain('awaiting-human'); // the chat's phase of a turn waiting for its user
  }, 30_000);

  it('carries no testing hook: no module of the testing kit, no heartbeat-ping predicate, no fake socket defaults', async () => {
    const { code, inputs } = await typicalBundle();
    expect(inputs.filter((input) => input.startsWith('src/testing/'))).toEqual([]);
    expect(code).not.toContain('-hb-\\d'); // isHeartbeatPing: the testing controller's, not the client's
    expect(code).not.toContain('heartbeatIntervalMs:0'); // the fake socket's clientDefaults
    expect(code).not.toContain('smoothTestingSocket');
  }, 30_000);

  it('carries no outgoing validation: no action validator, no action lookup', async () => {
    const { code, inputs } = await typicalBundle();
    expect(inputs).not.toContain('src/generated/validators/actions.ts');
    for (const action of ['send_message', 'cancel', 'confirm_tool_action', 'create_conversation_session']) {
      expect(code).not.toContain(`allowedValue:"${action}"`);
      expect(code).not.toContain(`const:"${action}"`); // an action schema's description
    }
  }, 30_000);

  it('carries no connection pool (connectionPool(), src/client/pool.ts): one connection unless the app imports one', async () => {
    const { code, inputs } = await typicalBundle();
    expect(inputs).toContain('src/client/lanes.ts'); // the one-connection lanes it does carry
    expect(inputs).not.toContain('src/client/pool.ts');
    expect(code).not.toContain('"fatal","retries-exhausted","lost"'); // how the pool ranks its sockets' closes
  }, 30_000);

  it('carries nothing of Angular', async () => {
    const { inputs } = await typicalBundle();
    expect(inputs.filter((input) => input.startsWith('src/angular/') || input.includes('@angular'))).toEqual([]);
  }, 30_000);

  it('stays within 18 KB gzipped (the target is 12 KB: see the README\'s Performance section)', async () => {
    const { gzip } = await typicalBundle();
    expect(gzip).toBeLessThanOrEqual(18 * 1024);
  }, 30_000);
});
