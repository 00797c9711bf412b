/** Mock server: transport, auth, headers, recording, disconnects and fault injection. */
import { startMockServer } from '../../src/testing/mock-server/index.js';
import { shapes, TestClient, tokensOf, useMockServers } from './mock-client.js';

const h = useMockServers();
const text = (t: string) => ({ kind: 'text' as const, text: t });

describe('transport', () => {
  it('listens on 127.0.0.1 at /ws on a free port; close() stops listening and is idempotent', async () => {
    const server = await startMockServer();
    expect(server.url).toBe(`ws://127.0.0.1:${server.port}/ws`);
    expect(server.port).toBeGreaterThan(0);
    const client = await TestClient.connect(server.url);
    await server.close();
    await server.close();
    expect((await client.closed).code).toBe(1006);
    await expect(TestClient.connect(server.url)).rejects.toThrow();
  });

  it('on a port in use, the start promise rejects with the listen error (code kept) and leaves no listening server behind', async () => {
    const taken = await h.server();
    const listeners = (): number => process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap').length;
    const before = listeners();
    const crashes: unknown[] = [];
    const onCrash = (error: unknown): void => void crashes.push(error);
    process.on('uncaughtException', onCrash);
    try {
      await expect(startMockServer({ port: taken.port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
      // Past a full loop turn: a re-emitted error has surfaced and Node has closed the failed handle.
      await new Promise((resolve) => setTimeout(resolve, 20));
    } finally {
      process.off('uncaughtException', onCrash);
    }
    expect(crashes).toEqual([]);
    expect(listeners()).toBe(before);
  });

  it('refuses other paths at the handshake', async () => {
    const server = await h.server();
    await expect(TestClient.connect(server.url.replace('/ws', '/other'))).rejects.toThrow(/400/);
  });

  it('records every parsed client frame with its connection index, and the handshake headers', async () => {
    const server = await h.server();
    const a = await h.client(server, { headers: { Authorization: 'Bearer abc', 'X-Trace': 't-1' } });
    const b = await h.client(server);
    await a.request({ action: 'ping', requestId: 'p1' });
    b.send('not json');
    await b.next();
    await b.request({ action: 'ping', requestId: 'p2' });
    expect(server.received).toEqual([
      { connection: 0, action: 'ping', frame: { action: 'ping', requestId: 'p1' } },
      { connection: 1, action: 'ping', frame: { action: 'ping', requestId: 'p2' } },
    ]);
    expect(server.connectionCount()).toBe(2);
    expect(server.openConnectionCount()).toBe(2);
    expect(server.headers(0)).toMatchObject({ authorization: 'Bearer abc', 'x-trace': 't-1' });
    expect(server.headers(1).authorization).toBeUndefined();
    expect(() => server.headers(2)).toThrow(RangeError);
  });

  it('parses binary frames like text', async () => {
    const server = await h.server();
    const client = await h.client(server);
    client.socket.send(Buffer.from(JSON.stringify({ action: 'ping', requestId: 'bin' })), { binary: true });
    expect(await client.next()).toMatchObject({ type: 'pong', requestId: 'bin' });
  });
});

describe('token auth', () => {
  it('closes a connection with a missing or wrong ?token= with 4001 and counts it; the right token works', async () => {
    const server = await h.server({ token: 's3cret' });
    const none = await h.client(server);
    expect((await none.closed).code).toBe(4001);
    const wrong = await h.client(server, { query: 'token=nope' });
    expect(await wrong.closed).toEqual({ code: 4001, reason: 'Unauthorized' });
    const right = await h.client(server, { query: 'token=s3cret' });
    expect((await right.request({ action: 'ping', requestId: 'p' })).type).toBe('pong');
    expect(server.rejectedConnectionCount()).toBe(2);
    expect(server.connectionCount()).toBe(3);
  });
});

describe('disconnect', () => {
  it('aborts the running turn: the user message stays stored, no reply is written', async () => {
    const server = await h.server({ script: [text('this reply must never be stored'), text('after')], tokenDelayMs: 20 });
    const a = await h.client(server);
    const { sessionId, conversationId } = await a.createSession();
    a.send({ action: 'send_message', requestId: 'r1', sessionId, message: 'hello?' });
    await a.until((f) => f.type === 'stream_token');
    a.close();
    await a.closed;

    const b = await h.client(server);
    const resumed = await b.createSession({ conversationId });
    const history = await b.request({ action: 'get_conversation_messages', requestId: 'h1', sessionId: resumed.sessionId });
    expect(history.data.messages.map((m: { direction: string }) => m.direction)).toEqual(['inbound']);
    // The aborted turn consumed its script entry only; the next turn gets the next one and a free slot.
    expect(tokensOf(await b.say(resumed.sessionId!, 'again', 'r2'), 'r2').join('')).toBe('after');
    expect((await b.request({ action: 'get_session', requestId: 'g', sessionId })).data.status).toBe('idle');
  });

  it('a parked turn dies with its connection', async () => {
    const server = await h.server({
      script: [{ kind: 'toolCall', name: 'wipe', arguments: '{}' }],
      tools: [{ name: 'wipe', result: 'wiped' }],
      confirmTools: ['wipe'],
    });
    const a = await h.client(server);
    const { sessionId } = await a.createSession();
    a.send({ action: 'send_message', requestId: 'r1', sessionId, message: 'wipe it' });
    await a.until((f) => f.type === 'stream_chunk');
    server.dropConnections();
    expect((await a.closed).code).toBe(1006);
    const b = await h.client(server);
    const stray = await b.request({ action: 'confirm_tool_action', requestId: 'c1', sessionId, approved: true });
    expect(stray.error.code).toBe('NO_PENDING_CONFIRMATION');
  });
});

describe('faults', () => {
  it('dropAtEvent terminates the socket (1006) in place of the n-th event of a turn', async () => {
    const server = await h.server({ script: [text('Hello from the engine!')], faults: { dropAtEvent: 3 } });
    const client = await h.client(server);
    const { sessionId } = await client.createSession();
    client.send({ action: 'send_message', requestId: 'r1', sessionId, message: 'hi' });
    const closed = await client.closed;
    expect(closed.code).toBe(1006);
    expect(shapes(client.frames)).toEqual(['immediate_response 200', 'immediate_response 202', 'stream_token+']);
    expect(tokensOf(client.frames, 'r1')).toEqual(['Hello fr']);
  });

  it('dropAtEvent 1 drops on receipt of send_message, before the ack', async () => {
    const server = await h.server({ faults: { dropAtEvent: 1 } });
    const client = await h.client(server);
    const { sessionId } = await client.createSession();
    client.send({ action: 'send_message', requestId: 'r1', sessionId, message: 'hi' });
    expect((await client.closed).code).toBe(1006);
    expect(client.frames.filter((f) => f.requestId === 'r1')).toEqual([]);
  });

  it('the dropAtEvent option counts as the server.faults.dropAtEvent knob does: the same n cuts the turn at the same frame', async () => {
    const cut = async (arm: (server: Awaited<ReturnType<typeof h.server>>) => void, options = {}): Promise<string[]> => {
      const server = await h.server({ script: [text('Hello from the engine!')], ...options });
      arm(server);
      const client = await h.client(server);
      const { sessionId } = await client.createSession();
      client.send({ action: 'send_message', requestId: 'r1', sessionId, message: 'hi' });
      expect((await client.closed).code).toBe(1006);
      return shapes(client.frames, 'r1');
    };
    for (const n of [1, 2, 3]) {
      const byKnob = await cut((server) => server.faults.dropAtEvent(n));
      const byOption = await cut(() => undefined, { faults: { dropAtEvent: n } });
      expect(byOption).toEqual(byKnob);
    }
    expect(await cut(() => undefined, { faults: { dropAtEvent: 2 } })).toEqual(['immediate_response 202']);
  });

  it('refuses a dropAtEvent option that is not a positive integer', async () => {
    await expect(h.server({ faults: { dropAtEvent: 0 } })).rejects.toThrow(RangeError);
  });

  it('malformedFrameAfterEvents injects raw text or an object after the Nth event, then the turn goes on', async () => {
    const server = await h.server({
      script: [text('abc'), text('def')],
      faults: {
        malformedFrameAfterEvents: { after: 4, frame: (turn) => ({ type: 'eventual_response', requestId: turn.requestId }) },
      },
    });
    const client = await h.client(server, { allowInvalid: true });
    const { sessionId } = await client.createSession();
    client.send({ action: 'send_message', requestId: 'r1', sessionId, message: 'hi' });
    const turn = await client.until((f) => f.type === 'eventual_response' && f.data !== undefined);
    expect(turn.map((f) => f.type)).toEqual(['immediate_response', 'stream_token', 'stream_token', 'stream_token', 'eventual_response', 'eventual_response']);
    expect(turn[4]).toEqual({ type: 'eventual_response', requestId: 'r1' });
    expect(client.invalid).toHaveLength(1);
  });

  it('malformedFrameAfterEvents with raw text', async () => {
    const server = await h.server({ script: [text('abc')], faults: { malformedFrameAfterEvents: { after: 1, frame: '{"type":"stream_tok' } } });
    const client = await h.client(server, { allowInvalid: true });
    const { sessionId } = await client.createSession();
    const frames = await client.say(sessionId!, 'hi', 'r1');
    expect(frames.map((f) => f.type)).toEqual(['immediate_response', '__unparseable__', 'stream_token', 'stream_token', 'stream_token', 'eventual_response']);
    expect(client.invalid).toEqual([{ raw: '{"type":"stream_tok', reason: 'not JSON' }]);
  });

  it('faults.turns limits faults to the listed server-wide turn indexes', async () => {
    const server = await h.server({ script: [text('one'), text('two'), text('three')], faults: { dropAtEvent: 2, turns: [1] } });
    const a = await h.client(server);
    const { sessionId } = await a.createSession();
    expect(tokensOf(await a.say(sessionId!, 'first', 'r1'), 'r1').join('')).toBe('one'); // turn 0: untouched
    a.send({ action: 'send_message', requestId: 'r2', sessionId, message: 'second' }); // turn 1: dropped in place of its 2nd event
    expect((await a.closed).code).toBe(1006);
    expect(shapes(a.frames, 'r2')).toEqual(['immediate_response 202']);
    const b = await h.client(server);
    // Turn 2 is untouched; turn 1 had called the model ('two') when its second event was due.
    expect(tokensOf(await b.say(sessionId!, 'third', 'r3'), 'r3').join('')).toBe('three');
  });
});
