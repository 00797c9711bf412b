/**
 * The testing kit's edges, each once a bug: terminal frames sent through emit(), failing
 * scheduled answers outside TestScheduler, close() with a half-open TCP client, a choices answer
 * whose header is not text.
 */
import net from 'node:net';
import { createSmoothClient, type SmoothClient } from '../../src/client/client.js';
import { SmoothTestingController, serverFrames } from '../../src/testing/index.js';
import { startMockServer } from '../../src/testing/mock-server/index.js';
import { useMockServers } from './mock-client.js';

const h = useMockServers();

describe('SmoothTestingController edges', () => {
  let server: SmoothTestingController;
  let client: SmoothClient;
  beforeEach(() => {
    server = new SmoothTestingController();
    client = createSmoothClient({ url: 'ws://test/ws', webSocketImpl: server.WebSocket, turnTimeoutMs: 0, requestTimeoutMs: 0 });
  });

  it('a turn ended through the emit() escape hatch (eventual_response) counts as ended: ending is set and verify() passes', () => {
    let completed = false;
    client.turn({ sessionId: 's1', message: 'hi' }).subscribe({ complete: () => (completed = true) });
    const turn = server.expectTurn('hi');
    turn.accept().emit((requestId) => serverFrames.eventualFrame(requestId, 'done'));
    expect(completed).toBe(true); // the client saw the terminal frame: the turn is over
    expect(turn.ending).toBe('responded');
    expect(() => server.verify()).not.toThrow();
    client.close(); // its idle socket's lazy-close timer would outlive the run
  });

  it('outside TestScheduler, a scheduled answer that fails is reported by verify(), not thrown out of a timer', async () => {
    client.turn({ sessionId: 's1', message: 'hi' }).subscribe({ error: () => undefined });
    const turn = server.expectTurn('hi');
    turn.accept().respond('x');
    turn.at(5).token('too late'); // the turn already ended: this scheduled step fails
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(() => server.verify()).toThrow(/Scheduled answers that failed:\n {2}- expectTurn\("hi"\): cannot send stream_token: the turn already ended \(responded\)/);

    client.close();
  });
});

describe('startMockServer edges', () => {
  it('a choices answer whose header is not a string is answered interaction_invalid (turn stays parked), not INTERNAL_ERROR', async () => {
    const spec = { questions: [{ question: 'Size?', header: 'Size', options: [{ label: 'S' }, { label: 'M' }] }] };
    const server = await h.server({
      script: [
        { kind: 'toolCall', name: 'request_choices', arguments: JSON.stringify({ ...spec, reason: 'r' }) },
        { kind: 'text', text: 'ok' },
      ],
    });
    const c = await h.client(server);
    const { sessionId } = await c.createSession({ supports: ['choice_chips'] });
    c.send({ action: 'send_message', requestId: 'r-msg', sessionId, message: 'pick', stream: true });
    const frames = await c.until((f) => f.type === 'stream_chunk');
    const interactionId = frames.find((f) => f.type === 'interaction_required')!.data.data.interactionId as string;
    // Valid JSON a client may send: an object header that happens to have a "toString" key.
    const bad = await c.request({ action: 'submit_interaction', requestId: 'r-msg', sessionId, interactionId, values: { answers: [{ header: { toString: 'x' }, options: ['S'] }] } });
    expect(bad.type).toBe('interaction_invalid');
    const ok = await c.request({ action: 'submit_interaction', requestId: 'r-msg', sessionId, interactionId, values: { answers: [{ header: 'Size', options: ['S'] }] } });
    expect(ok).toMatchObject({ type: 'immediate_response', status: 200 });
  });

  it('close() resolves promptly even while a TCP client is connected that has not sent its handshake yet', async () => {
    const server = await startMockServer();
    const raw = net.connect(server.port, '127.0.0.1');
    raw.on('error', () => undefined);
    await new Promise<void>((resolve) => raw.once('connect', () => resolve()));
    let timer: NodeJS.Timeout | undefined;
    try {
      const outcome = await Promise.race([
        server.close().then(() => 'closed'),
        new Promise<string>((resolve) => (timer = setTimeout(() => resolve('close() still pending after 2 s'), 2000))),
      ]);
      expect(outcome).toBe('closed');
    } finally {
      clearTimeout(timer);
      raw.destroy();
      await server.close();
    }
  });
});
