/**
 * The client against the mock server's fault knobs (`server.faults`), over real loopback
 * sockets: for each fault, what a caller observes — the turn's error, `state$`, and the
 * conversation going on afterwards, through the session handle and through the low-level client.
 */
import { Subject, filter, firstValueFrom, lastValueFrom, map, tap, timeout, toArray, type Observable } from 'rxjs';
import { createSmoothClient, SmoothConnectionLostError, SmoothProtocolError, type ConnectionState, type SmoothClient, type SmoothClientOptions, type TurnEvent } from '../../src/index.js';
import { startMockServer, type MockServer, type MockServerOptions } from '../../src/testing/mock-server/index.js';
import { WebSocket, WebSocketServer } from 'ws';
import { CLOSE_GRACE_MS } from '../../src/client/transport.js';
import { Clock } from '../client/supervisor/kit.js';

const text = (t: string) => ({ kind: 'text' as const, text: t });
const wipe = { kind: 'toolCall' as const, name: 'wipe', arguments: '{}' };
const parking = { tools: [{ name: 'wipe', result: 'wiped' }], confirmTools: ['wipe'] };

/** Fast clocks, so a reconnect or a heartbeat failure takes tens of milliseconds. */
const FAST: Partial<SmoothClientOptions> = {
  retryBaseDelayMs: 10,
  retryMaxDelayMs: 40,
  heartbeatIntervalMs: 60,
  heartbeatTimeoutMs: 60,
  connectTimeoutMs: 250,
  requestTimeoutMs: 2000,
};

let server: MockServer;
let clients: SmoothClient[] = [];
afterEach(async () => {
  for (const c of clients) c.close();
  clients = [];
  await server.close();
});

async function start(options: MockServerOptions = {}, clientOptions: Partial<SmoothClientOptions> = {}): Promise<SmoothClient> {
  server = await startMockServer(options);
  const client = createSmoothClient({ url: server.url, ...FAST, ...clientOptions });
  clients.push(client);
  return client;
}

/** Every state the client goes through from now on, as `status` plus what tells attempts and causes apart. */
function track(client: SmoothClient): string[] {
  const seen: string[] = [];
  client.state$.subscribe((s) => seen.push(label(s)));
  return seen;
}
function label(s: ConnectionState): string {
  switch (s.status) {
    case 'connecting':
      return `connecting ${s.attempt}`;
    case 'reconnecting':
      return `reconnecting ${s.attempt} (${s.closeCode ?? '-'})`;
    case 'closed':
      return `closed ${s.why} (${s.closeCode ?? '-'})`;
    default:
      return s.status;
  }
}
const stateReached = (client: SmoothClient, wanted: (s: ConnectionState) => boolean, ms = 3000) =>
  firstValueFrom(client.state$.pipe(filter(wanted), timeout(ms)));
const isOpen = (s: ConnectionState) => s.status === 'open';
/** Open again after a loss (`state$` replays the current state: an `open` seen before the loss does not count). */
async function reopened(client: SmoothClient): Promise<void> {
  await stateReached(client, (s) => s.status === 'reconnecting');
  await stateReached(client, isOpen);
}

/** The turn's error (the test fails if it completes instead). */
async function failure(turn$: Observable<TurnEvent>): Promise<unknown> {
  return lastValueFrom(turn$.pipe(timeout(3000))).then(
    () => {
      throw new Error('the turn completed; it was expected to fail');
    },
    (err: unknown) => err,
  );
}
const answerOf = (turn$: Observable<TurnEvent>) =>
  lastValueFrom(turn$.pipe(filter((e) => e.type === 'stream_token'), map((e) => e.token), toArray(), timeout(3000))).then((t) => t.join(''));
/** A turn that parks on the write confirmation and is left parked: resolves on the ask. */
const parkedOn = (turn$: Observable<TurnEvent>, sink: { error?: unknown }) =>
  new Promise<TurnEvent>((resolve) => {
    turn$.subscribe({
      next: (e) => (e.type === 'write_confirmation_required' ? resolve(e) : undefined),
      error: (err: unknown) => (sink.error = err),
    });
  });
const creates = () => server.received.filter((r) => r.action === 'create_conversation_session');

describe('dropAtEvent: the socket closes mid-turn', () => {
  it('session handle: the turn errors with SmoothConnectionLostError, state$ goes reconnecting → open, the next turn resumes the conversation with a new sessionId', async () => {
    const client = await start({ script: [text('first answer'), text('never seen'), text('after the drop')] });
    const session = client.session({ agentId: 'support', userName: 'Alice', supports: ['identity_form'] });
    expect(await answerOf(session.turn('one'))).toBe('first answer');
    const before = session.info!;
    const states = track(client);

    server.faults.dropAtEvent(2);
    const err = await failure(session.turn('two'));
    expect(err).toBeInstanceOf(SmoothConnectionLostError);
    expect(err).toMatchObject({ code: 'CONNECTION_CLOSED', closeCode: 1006, retryable: true });
    await stateReached(client, isOpen);
    expect(states.slice(1)).toEqual(['reconnecting 1 (1006)', 'connecting 1', 'open']);

    expect(await answerOf(session.turn('three'))).toBe('after the drop');
    expect(session.info!.conversationId).toBe(before.conversationId);
    expect(session.info!.sessionId).not.toBe(before.sessionId);
    // The resume is a create with the same conversationId and the capabilities declared again, on the new socket.
    expect(creates().map((r) => [r.connection, r.frame])).toEqual([
      [0, expect.not.objectContaining({ conversationId: expect.anything() })],
      [1, expect.objectContaining({ conversationId: before.conversationId, supports: ['identity_form'] })],
    ]);
    // The dropped turn was never re-sent.
    expect(server.received.filter((r) => r.action === 'send_message').map((r) => (r.frame as { message: string }).message)).toEqual(['one', 'two', 'three']);
  });

  it('with a close code: the error carries it', async () => {
    const client = await start({ script: [text('never seen')] });
    const session = client.session({ agentId: 'support' });
    server.faults.dropAtEvent(3, { code: 1012, reason: 'service restart' });
    expect(await failure(session.turn('hi'))).toMatchObject({ code: 'CONNECTION_CLOSED', closeCode: 1012, reason: 'service restart' });
    await stateReached(client, isOpen);
  });

  it('low-level client: the turn errors; with nothing else in flight the client rests closed (lost); resuming by conversationId works on the next use', async () => {
    // Dropped on receipt, before the model is called: the script's one entry is still there for the resumed turn.
    const client = await start({ script: [text('resumed fine')] });
    const first = await firstValueFrom(client.createSession({ agentId: 'support' }));
    const states = track(client);
    server.faults.dropAtEvent(1);
    expect(await failure(client.turn({ sessionId: first.sessionId, message: 'hi' }))).toBeInstanceOf(SmoothConnectionLostError);
    expect(states.slice(-1)).toEqual(['closed lost (1006)']);

    const resumed = await firstValueFrom(client.createSession({ agentId: 'support', conversationId: first.conversationId }));
    expect(resumed).toMatchObject({ conversationId: first.conversationId });
    expect(resumed.sessionId).not.toBe(first.sessionId);
    expect(await answerOf(client.turn({ sessionId: resumed.sessionId, message: 'again' }))).toBe('resumed fine');
    // The user message of the dropped turn stayed in the conversation; no reply was written.
    const history = await lastValueFrom(client.allMessages({ sessionId: resumed.sessionId }).pipe(map((m) => m.content.text), toArray()));
    expect(history).toEqual(['resumed fine', 'again', 'hi']);
  });
});

describe('refuseHandshakes', () => {
  it('refused attempts are retried with back-off; the queued request goes out once a handshake succeeds', async () => {
    const client = await start();
    const states = track(client);
    server.faults.refuseHandshakes(2);
    const pong = await firstValueFrom(client.ping().pipe(timeout(3000)));
    expect(pong.type).toBe('pong');
    expect(states).toEqual(['idle', 'connecting 1', 'reconnecting 2 (-)', 'connecting 2', 'reconnecting 3 (-)', 'connecting 3', 'open']);
    expect(server.faults.stats().refusedHandshakes).toBe(2);
  });

  it('session handle: its first turn waits through refused handshakes, then creates the session and runs', async () => {
    const client = await start({ script: [text('made it')] });
    server.faults.refuseHandshakes(2);
    const session = client.session({ agentId: 'support' });
    expect(await answerOf(session.turn('hi'))).toBe('made it');
    expect(creates().map((r) => r.connection)).toEqual([0]);
    expect(server.faults.stats().refusedHandshakes).toBe(2);
  });

  it('refused after the upgrade with a fatal code (4001): closed/fatal, the waiting request fails, no further attempt', async () => {
    const client = await start();
    const states = track(client);
    server.faults.refuseHandshakes(1, { close: { code: 4001, reason: 'Unauthorized' } });
    await expect(firstValueFrom(client.ping().pipe(timeout(3000)))).rejects.toMatchObject({ code: 'CONNECTION_CLOSED', closeCode: 4001 });
    expect(states).toEqual(['idle', 'connecting 1', 'open', 'closed fatal (4001)']);
    expect(server.connectionCount()).toBe(1);
  });

  it.each([401, 403])('an HTTP %i answering the upgrade is a refused credential: fatal, one handshake, the status on the error', async (status) => {
    const client = await start();
    const states = track(client);
    server.faults.refuseHandshakes(10, { status });
    await expect(firstValueFrom(client.ping().pipe(timeout(3000)))).rejects.toMatchObject({ code: 'CONNECTION_ERROR', httpStatus: status, retryable: false });
    expect(states).toEqual(['idle', 'connecting 1', 'closed fatal (-)']);
    // A new use does not offer the refused credentials again.
    await expect(firstValueFrom(client.ping().pipe(timeout(3000)))).rejects.toMatchObject({ httpStatus: status, retryable: false });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.faults.stats().refusedHandshakes).toBe(1);
  });

  it('shouldRetry sees the HTTP status of any refused upgrade, and decides', async () => {
    const seen: unknown[] = [];
    const client = await start({}, { shouldRetry: (close) => (seen.push(close), close.httpStatus !== 503) });
    server.faults.refuseHandshakes(10, { status: 503 });
    await expect(firstValueFrom(client.ping().pipe(timeout(3000)))).rejects.toMatchObject({ code: 'CONNECTION_ERROR', httpStatus: 503, retryable: false });
    expect(seen).toEqual([expect.objectContaining({ code: undefined, httpStatus: 503 })]);
    expect(server.faults.stats().refusedHandshakes).toBe(1);
  });

  // Issue 17 item 6: a 401/403's status reaches shouldRetry, "so an app can decide otherwise": shouldRetry is asked and its yes retries.
  it('an HTTP 401 reaches shouldRetry, and an app that says retry gets a second handshake', async () => {
    const seen: unknown[] = [];
    const client = await start({}, { shouldRetry: (close) => (seen.push(close), true) });
    server.faults.refuseHandshakes(1, { status: 401 });
    const pong = await firstValueFrom(client.ping().pipe(timeout(3000)));
    expect(pong.type).toBe('pong');
    expect(seen).toEqual([expect.objectContaining({ httpStatus: 401 })]);
    expect(server.faults.stats().refusedHandshakes).toBe(1);
  });

  it('past retryAttempts the waiting request fails and the client rests closed (retries-exhausted)', async () => {
    const client = await start({}, { retryAttempts: 2 });
    server.faults.refuseHandshakes(10, { status: 502 });
    await expect(firstValueFrom(client.ping().pipe(timeout(3000)))).rejects.toBeInstanceOf(SmoothConnectionLostError);
    expect(label(await stateReached(client, (s) => s.status === 'closed'))).toBe('closed retries-exhausted (-)');
    expect(server.faults.stats().refusedHandshakes).toBe(3);
  });
});

describe('closeAll', () => {
  it('a fatal code (4001) fails the turn and ends in closed/fatal: no reconnect, even with a session handle holding the connection', async () => {
    const client = await start({ script: [wipe], ...parking });
    const session = client.session({ agentId: 'support' });
    const sink: { error?: unknown } = {};
    await parkedOn(session.turn('wipe it'), sink);
    const states = track(client);
    server.faults.closeAll(4001, 'Unauthorized');
    const closed = await stateReached(client, (s) => s.status === 'closed');
    expect(label(closed)).toBe('closed fatal (4001)');
    expect(states.slice(1)).toEqual(['closed fatal (4001)']);
    expect(sink.error).toBeInstanceOf(SmoothConnectionLostError);
    expect(sink.error).toMatchObject({ closeCode: 4001, pendingAsk: { type: 'write_confirmation_required' } });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(server.connectionCount()).toBe(1);
  });

  it('a going-away code (1001) is retried: reconnecting → open, and the next turn runs on the resumed session', async () => {
    const client = await start({ script: [wipe, text('back again')], ...parking });
    const session = client.session({ agentId: 'support' });
    const sink: { error?: unknown } = {};
    await parkedOn(session.turn('wipe it'), sink);
    const before = session.info!.sessionId;
    const states = track(client);
    server.faults.closeAll(1001, 'going away');
    await reopened(client);
    expect(states.slice(1)).toEqual(['reconnecting 1 (1001)', 'connecting 1', 'open']);
    expect(sink.error).toMatchObject({ code: 'CONNECTION_CLOSED', closeCode: 1001, pendingAsk: { type: 'write_confirmation_required' } });
    expect(await answerOf(session.turn('still there?'))).toBe('back again');
    expect(session.info!.sessionId).not.toBe(before);
  });
});

describe('stallUpgrades', () => {
  it('a handshake that never completes counts as a failed attempt (connectTimeoutMs); the next attempt succeeds', async () => {
    const client = await start();
    const states = track(client);
    server.faults.stallUpgrades(true);
    const pong = firstValueFrom(client.ping().pipe(timeout(3000)));
    await stateReached(client, (s) => s.status === 'reconnecting');
    server.faults.stallUpgrades(false);
    expect((await pong).type).toBe('pong');
    expect(states).toEqual(['idle', 'connecting 1', 'reconnecting 2 (-)', 'connecting 2', 'open']);
    expect(server.faults.stats().stalledHandshakes).toBe(1);
  });

  it('session handle: a drop, then a reconnect that stalls once; the session resumes on the attempt after', async () => {
    const client = await start({ script: [text('never seen'), text('resumed after the stall')] });
    const session = client.session({ agentId: 'support' });
    await lastValueFrom(session.open());
    const states = track(client);
    server.faults.dropAtEvent(2);
    server.faults.stallUpgrades(true);
    expect(await failure(session.turn('one'))).toBeInstanceOf(SmoothConnectionLostError);
    await stateReached(client, (s) => s.status === 'reconnecting' && s.attempt === 2);
    server.faults.stallUpgrades(false);
    expect(await answerOf(session.turn('two'))).toBe('resumed after the stall');
    expect(states.slice(1)).toEqual(['reconnecting 1 (1006)', 'connecting 1', 'reconnecting 2 (-)', 'connecting 2', 'open']);
    expect(creates().map((r) => r.connection)).toEqual([0, 1]);
  });
});

describe('stopPongs', () => {
  it('the heartbeat finds the socket dead under a parked turn: the turn errors with its ask, the client reconnects and the session resumes', async () => {
    const client = await start({ script: [wipe, text('resumed after the heartbeat')], ...parking });
    const session = client.session({ agentId: 'support' });
    const sink: { error?: unknown } = {};
    await parkedOn(session.turn('wipe it'), sink);
    const states = track(client);
    server.faults.stopPongs(true);
    await stateReached(client, (s) => s.status === 'reconnecting');
    // Answer pings again, or the new socket would fail its heartbeat too.
    server.faults.stopPongs(false);
    await stateReached(client, isOpen);
    expect(states.slice(1)).toEqual(['reconnecting 1 (-)', 'connecting 1', 'open']);
    expect(sink.error).toBeInstanceOf(SmoothConnectionLostError);
    expect(sink.error).toMatchObject({ code: 'CONNECTION_ERROR', message: expect.stringMatching(/heartbeat/), pendingAsk: { type: 'write_confirmation_required' } });
    expect(server.faults.stats().ignoredPings).toBeGreaterThanOrEqual(1);
    expect(await answerOf(session.turn('again'))).toBe('resumed after the heartbeat');
  });
});

describe('halfOpen', () => {
  it('a socket that stops sending and reading is detected by the heartbeat mid-stream; the turn errors, the client reconnects, the session resumes', async () => {
    // Frames a little slower than the heartbeat's interval: the heartbeat pings between them (answered) until the socket dies.
    const client = await start({ script: [text('a slow answer that never arrives'), text('fresh socket')], tokenDelayMs: 100 });
    const session = client.session({ agentId: 'support' });
    const states = track(client);
    const acked = new Subject<void>();
    const turn = failure(session.turn('hi').pipe(tap((e) => (e.type === 'immediate_response' ? acked.next() : undefined))));
    await firstValueFrom(acked);
    server.faults.halfOpen();
    const err = await turn;
    expect(err).toBeInstanceOf(SmoothConnectionLostError);
    expect(err).toMatchObject({ code: 'CONNECTION_ERROR', message: expect.stringMatching(/heartbeat/) });
    await stateReached(client, isOpen);
    expect(states.slice(-3)).toEqual(['reconnecting 1 (-)', 'connecting 1', 'open']);
    // The half-open socket is still up on the server's side: only the client could tell it was dead.
    expect(server.openConnectionCount()).toBe(2);
    expect(await answerOf(session.turn('again'))).toBe('fresh socket');
  });
});

describe('restart', () => {
  it('the server closes with 1000 and forgets sessions: the handle reconnects and resumes the conversation, history intact', async () => {
    const client = await start({ script: [text('before'), text('after')] });
    const session = client.session({ agentId: 'support' });
    expect(await answerOf(session.turn('one'))).toBe('before');
    const old = session.info!;
    const states = track(client);
    await server.faults.restart();
    await reopened(client);
    expect(states.slice(1)).toEqual(['reconnecting 1 (1000)', 'connecting 1', 'open']);

    // The old session is gone with the restart, as on a real server.
    const stale = await lastValueFrom(client.turn({ sessionId: old.sessionId, message: 'stale' })).catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(SmoothProtocolError);
    expect(stale).toMatchObject({ code: 'SESSION_NOT_FOUND' });

    expect(await answerOf(session.turn('two'))).toBe('after');
    expect(session.info).toMatchObject({ conversationId: old.conversationId });
    expect(session.info!.sessionId).not.toBe(old.sessionId);
    const history = await lastValueFrom(session.history().pipe(map((m) => `${m.direction}:${m.content.text}`), toArray()));
    expect(history).toEqual(['outbound:after', 'inbound:two', 'outbound:before', 'inbound:one']);
  });
});

describe('a peer that never answers the close handshake', () => {
  it('client.close() tears the socket down after a short grace on the client\'s scheduler, not after ws\'s 30 s', async () => {
    const made: WebSocket[] = [];
    class Recorded extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols);
        made.push(this);
      }
    }
    const wss = new WebSocketServer({ port: 0 });
    await new Promise((resolve) => wss.once('listening', resolve));
    // The peer reads nothing more once connected: our close frame is never answered.
    wss.on('connection', (_socket, request) => request.socket.pause());
    const clock = new Clock();
    const client = createSmoothClient({ url: `ws://127.0.0.1:${(wss.address() as { port: number }).port}`, webSocketImpl: Recorded, scheduler: clock, heartbeatIntervalMs: 0 });
    try {
      client.ping().subscribe({ error: () => undefined });
      await stateReached(client, isOpen);
      const socket = made[0] as WebSocket;
      client.close();
      expect(socket.readyState).toBe(WebSocket.CLOSING);
      clock.advance(CLOSE_GRACE_MS - 1);
      expect(socket.readyState).toBe(WebSocket.CLOSING);
      const closed = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('still open')), 2000);
        socket.once('close', () => (clearTimeout(timer), resolve()));
      });
      clock.advance(1);
      await closed;
      expect(socket.readyState).toBe(WebSocket.CLOSED);
    } finally {
      for (const peer of wss.clients) peer.terminate();
      await new Promise((resolve) => wss.close(resolve));
    }
  });
});

describe('halfOpen: the dead socket', () => {
  const handle = { agentId: 'support', userName: 'Alice' };

  // A close handshake on a dead socket waits `ws`'s 30 s closing timeout for a close frame that
  // cannot come, keeping an active handle (the process cannot exit) for that long: it is torn
  // down instead.
  it('a socket dropped by the heartbeat is torn down at once, not left to a 30 s close handshake', async () => {
    const server = await startMockServer({ script: [{ kind: 'text', text: 'one' }] });
    const port = Number(new URL(server.url).port);
    type Handle = { constructor?: { name?: string }; remotePort?: number };
    const toServer = (): number =>
      (process as unknown as { _getActiveHandles(): Handle[] })._getActiveHandles().filter((h) => h?.constructor?.name === 'Socket' && h.remotePort === port).length;
    const client = createSmoothClient({ url: server.url, retryBaseDelayMs: 10, retryMaxDelayMs: 40, heartbeatIntervalMs: 50, heartbeatTimeoutMs: 50 });
    try {
      const session = client.session(handle);
      await lastValueFrom(session.turn('first'));
      server.faults.halfOpen();
      await firstValueFrom(client.state$.pipe(filter((s) => s.status === 'reconnecting'), timeout(2000)));
      await firstValueFrom(client.state$.pipe(filter((s) => s.status === 'open'), timeout(2000)));
      session.close();
      client.close();
      const since = Date.now();
      while (toServer() > 0 && Date.now() - since < 2000) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(toServer()).toBe(0);
    } finally {
      client.close();
      await server.close();
    }
  });
});
