/**
 * Bad input from the network never crashes the client, never hangs a turn and never vanishes:
 * random frame sequences (JSON of any shape, raw text, valid frames with one field replaced,
 * frames of other requests) are fed into a live turn.
 */
import fc from 'fast-check';
import { createSmoothClient } from '../../src/client/client.js';
import type { Diagnostic } from '../../src/client/diagnostics.js';
import { FakeSockets } from '../../src/testing/fake-socket.js';
import { ack, cancelled, error, eventual, interactionInvalid, interactionRequired, ok, token, toolCall, toolResult, writeConfirmation } from '../fixtures/events.js';

type Builder = (requestId: string) => object;
const builders: Builder[] = [
  (r) => ack(r),
  (r) => token(r, 'piece'),
  (r) => toolCall(r, 'lookup', { id: '1' }),
  (r) => toolResult(r, 'lookup', 'ok'),
  (r) => writeConfirmation(r, 'delete'),
  (r) => interactionRequired(r, 'ix-1'),
  (r) => interactionInvalid(r, 'ix-1'),
  (r) => ok(r, {}),
  (r) => eventual(r, 'answer'),
  (r) => cancelled(r),
  (r) => error(r, 'AGENT_ERROR'),
  (r) => ({ type: 'keepalive', data: { requestId: r } }),
  (r) => ({ type: 'pong', requestId: r }),
  (r) => ({ type: 'stream_citation', requestId: r, data: {} }),
];
const paths = ['type', 'requestId', 'data', 'token', 'status', 'node', 'error', 'data.data', 'data.state', 'data.error', 'data.data.response', 'data.data.toolId'];

function setPath(frame: object, path: string, value: unknown): object {
  const copy = structuredClone(frame) as Record<string, unknown>;
  const keys = path.split('.');
  let node: Record<string, unknown> = copy;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (next === null || typeof next !== 'object') return copy;
    node = next as Record<string, unknown>;
  }
  node[keys[keys.length - 1] as string] = value;
  return copy;
}

/** A frame for the turn `r`: a generator of what the server sends (objects are serialized, strings sent raw). */
const frameFor = fc.oneof(
  fc.constantFrom(...builders).map((build) => (r: string): unknown => build(r)),
  fc.tuple(fc.constantFrom(...builders), fc.constantFrom(...paths), fc.jsonValue()).map(([build, path, value]) => (r: string): unknown => setPath(build(r), path, value)),
  fc.tuple(fc.constantFrom(...builders), fc.string()).map(([build, other]) => (): unknown => build(`other-${other}`)),
  fc.jsonValue().map((value) => (): unknown => (typeof value === 'string' ? JSON.stringify(value) : value)),
  fc.string().map((text) => (): unknown => text),
);

describe('the receive path under random input', () => {
  it('never throws, accounts for every frame, and a final valid answer always ends the turn', () => {
    fc.assert(
      fc.property(fc.array(frameFor, { maxLength: 25 }), (frames) => {
        const sockets = new FakeSockets({ autoOpen: false });
        const client = createSmoothClient({ url: 'ws://fuzz/ws', webSocketImpl: sockets.WebSocket, turnTimeoutMs: 0, requestTimeoutMs: 0 });
        const diagnostics: Diagnostic[] = [];
        client.diagnostics$.subscribe((d) => diagnostics.push(d));
        let emitted = 0;
        let ended: 'complete' | 'error' | undefined;
        client.turn({ sessionId: 's', message: 'm' }).subscribe({ next: () => emitted++, error: () => (ended = 'error'), complete: () => (ended = 'complete') });
        const socket = sockets.current;
        socket.open();
        const requestId = socket.sent[0]?.requestId ?? '';

        for (const frame of frames) expect(() => socket.receive(frame(requestId))).not.toThrow();
        // Each frame was emitted to the turn, reported on diagnostics$, or ended the turn.
        expect(emitted + diagnostics.length + (ended === 'error' ? 1 : 0)).toBeGreaterThanOrEqual(frames.length);
        if (ended === undefined) {
          socket.receive(eventual(requestId, 'the end'));
          expect(ended).toBe('complete');
        }
        client.close();
      }),
      { numRuns: 400 },
    );
  });
});
