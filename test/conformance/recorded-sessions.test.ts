/**
 * Conformance of the embedded mock server with reference-server recordings. For each session
 * recorded in `../shared/protocol/recorded` (or `$SMOOTH_PROTOCOL_DIR/recorded`), the mock server
 * is started with a script derived from that recording, the recorded client frames are replayed
 * over a raw socket, and the server frames are compared structurally with the recorded ones.
 * Recordings are read at run time only; nothing recorded lives in this repository.
 */
import path from 'node:path';
import { startMockServer, type MockServer } from '../../src/testing/mock-server/index.js';
import {
  compareFrames,
  deriveOptions,
  formatMismatches,
  type JsonObject,
  loadSessions,
  protocolDir,
  replay,
  s2cFrames,
} from './recorded.js';

const dir = protocolDir();
const sessions = loadSessions(dir);

describe('mock server vs recorded reference sessions', () => {
  if (sessions.length === 0) {
    const reason = `no recordings at ${path.join(dir, 'recorded')} (set SMOOTH_PROTOCOL_DIR to run the conformance suite)`;
    // eslint-disable-next-line no-console
    console.warn(`recorded-sessions conformance skipped: ${reason}`);
    it.skip(`skipped: ${reason}`, () => undefined);
    return;
  }

  let server: MockServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('covers every recorded session, the error session included', () => {
    expect(sessions.length).toBeGreaterThan(0);
    const errors = sessions.filter((s) => s2cFrames(s).some((f) => f.type === 'error'));
    expect(errors.length).toBeGreaterThan(0);
  });

  it.each(sessions.map((s) => [s.name, s] as const))('%s: same frames as the reference server', async (_name, session) => {
    server = await startMockServer(deriveOptions(session));
    const { recorded, ours } = await replay(server.url, session);
    // Differences that are not fidelity bugs would be filtered here with a one-line reason each;
    // none remain (costUsd compares exactly: the mock computes it in integer micro-dollars).
    expect(formatMismatches(compareFrames(recorded, ours))).toEqual([]);
    expect(ours).toHaveLength(recorded.length);
  });

  it('reports a deviating server as readable diffs (the replay is not vacuous)', async () => {
    const session = sessions.find((s) => s2cFrames(s).some((f) => f.type === 'eventual_response'));
    if (session === undefined) return;
    const options = deriveOptions(session);
    // Same agent, but every text answer gains a suffix: tokens and responseParts must be flagged.
    const script = (options.script ?? []).map((o) => (o.kind === 'text' ? { ...o, text: `${o.text} (altered)` } : o));
    server = await startMockServer({ ...options, script });
    const { recorded, ours } = await replay(server.url, session);
    const lines = formatMismatches(compareFrames(recorded, ours));
    expect(lines.some((l) => /stream_token\.token: recorded ".*" \| ours ".*"/.test(l))).toBe(true);
    expect(lines.some((l) => /eventual_response\.data\.data\.response\.responseParts\[0\]: recorded/.test(l))).toBe(true);
  });
});

/** The comparator must not be vacuous: synthetic frames (not recorded ones) it must flag or accept. */
describe('recorded-session comparator', () => {
  const ack = (sessionId: string, extra: JsonObject = {}): JsonObject => ({
    type: 'immediate_response',
    status: 200,
    message: 'ok',
    data: { sessionId, ...extra },
    timestamp: 1,
    requestId: 'a',
  });
  const token = (requestId: string, text: string): JsonObject => ({ type: 'stream_token', requestId, token: text, data: { requestId, token: text }, timestamp: 2 });

  it('ignores minted ids and timestamps, but requires a one-to-one id correspondence', () => {
    expect(compareFrames([ack('s-1'), { ...ack('s-1'), timestamp: 9 }], [ack('x-1'), ack('x-1')])).toEqual([]);
    expect(formatMismatches(compareFrames([ack('s-1'), ack('s-1')], [ack('x-1'), ack('x-2')]))).toEqual([
      expect.stringContaining('minted id correspondence'),
    ]);
  });

  it('flags changed values, missing and extra keys, and value types', () => {
    const lines = formatMismatches(
      compareFrames(
        [ack('s', { approved: true, note: 'n' }), token('b', 'hi')],
        [{ ...ack('s', { approved: 'yes', extra: 1 }), status: 202 }, token('b', 'ho')],
      ),
    );
    expect(lines).toEqual([
      '[a]#0 immediate_response.status: recorded 200 | ours 202',
      '[a]#0 immediate_response.data.note: recorded "n" | ours "(missing)"',
      '[a]#0 immediate_response.data.extra: recorded "(absent)" | ours 1',
      '[a]#0 immediate_response.data.approved: recorded true | ours "yes"',
      '[b]#0 stream_token.token: recorded "hi" | ours "ho"',
      '[b]#0 stream_token.data.token: recorded "hi" | ours "ho"',
    ]);
  });

  it('flags event order per requestId and the interleaving across requestIds', () => {
    expect(compareFrames([token('a', 'x'), ack('s')], [ack('s'), token('a', 'x')]).map((m) => m.path)).toEqual(['[a] event types', 'interleaving across requestIds']);
    expect(compareFrames([token('b', 'x'), ack('s')], [ack('s'), token('b', 'x')]).map((m) => m.path)).toEqual(['interleaving across requestIds']);
  });
});
