/**
 * What keeps a socket, drops it and lets it go, on virtual time: the heartbeat, the lazy close,
 * and `client.close()` in every phase (also from inside a state$ subscriber).
 */
import { Subject, firstValueFrom, toArray } from 'rxjs';
import { createSmoothClient } from '../../../src/client/client.js';
import { FakeSockets } from '../../../src/testing/fake-socket.js';
import { tokenFrame } from '../../../src/testing/frames.js';
import { SmoothConnectionError } from '../../../src/errors.js';
import { kit, quietly, watch } from './kit.js';

const heartbeat = { heartbeatIntervalMs: 1000, heartbeatTimeoutMs: 500, retryBaseDelayMs: 0 };

describe('heartbeat', () => {
  it('pings after an interval without inbound traffic while a request waits; the pong keeps the socket', () => {
    const k = kit(heartbeat);
    k.server.script = (action) => (action.action === 'get_session' ? [] : undefined); // the request stays open
    k.client.getSession('s').subscribe(quietly);
    k.socket(0).open();
    k.clock.advance(999);
    expect(k.sentOn(0)).toEqual(['get_session']);
    k.clock.advance(1);
    expect(k.sentOn(0)).toEqual(['get_session', 'hb-ping']);
    k.clock.advance(5000);
    // Answered every time: still the first socket, still open, pinging on.
    expect(k.sockets.all).toHaveLength(1);
    expect(k.state()).toBe('open');
    expect(k.sentOn(0).filter((a) => a === 'hb-ping').length).toBeGreaterThanOrEqual(3);
    // The heartbeat's pongs are its own: nothing reported them as unexpected.
    expect(k.diagnostics).toEqual([]);
  });

  it('any inbound frame is liveness: a streaming turn is never pinged', () => {
    const k = kit(heartbeat);
    let requestId = '';
    k.server.script = (action) => {
      if (action.action === 'send_message') requestId = action.requestId;
      return undefined;
    };
    k.client.turn({ sessionId: 's', message: 'hi' }).subscribe(quietly);
    k.socket(0).open();
    for (let i = 0; i < 20; i++) {
      k.clock.advance(600);
      k.socket(0).receive(tokenFrame(requestId, 'x'));
    }
    expect(k.sentOn(0)).toEqual(['send_message']);
  });

  it('does not probe a socket nothing needs', () => {
    const k = kit({ ...heartbeat, lazyCloseTimeoutMs: 60_000 });
    k.client.getSession('s').subscribe(quietly);
    k.socket(0).open();
    k.clock.advance(30_000);
    expect(k.sentOn(0)).toEqual(['get_session']);
  });

  it('holds no timer for a socket nothing needs (only the lazy close), and is armed again by the next request', () => {
    const k = kit({ ...heartbeat, lazyCloseTimeoutMs: 60_000 });
    k.client.getSession('s').subscribe(quietly);
    k.socket(0).open();
    k.clock.advance(1000); // answered at 1 ms; the heartbeat's check at 1000 finds nothing waiting
    expect(k.clock.actions).toHaveLength(1); // the lazy close
    k.server.silent = true;
    k.client.getSession('t').subscribe(quietly);
    k.clock.advance(999);
    expect(k.sentOn(0)).toEqual(['get_session', 'get_session']);
    k.clock.advance(1);
    expect(k.sentOn(0)).toEqual(['get_session', 'get_session', 'hb-ping']);
  });

  it('no frame within heartbeatTimeoutMs: the socket is closed with 4000 and reconnected, the idempotent request re-sent', () => {
    const k = kit(heartbeat);
    k.server.silent = true;
    const get = watch(k.client.getSession('s'));
    k.socket(0).open();
    k.clock.advance(1499);
    expect(k.socket(0).readyState).toBe(1);
    k.clock.advance(1);
    expect(k.socket(0).clientClose).toEqual({ code: 4000, reason: expect.stringContaining('heartbeat') });
    expect(k.states.find((s) => s.status === 'reconnecting')).toMatchObject({ closeCode: undefined, reason: 'no answer to a heartbeat ping within 500 ms' });
    expect(k.sockets.all).toHaveLength(2);
    k.server.silent = false;
    k.socket(1).open();
    k.clock.advance(10);
    expect(k.sentOn(1)).toEqual(['get_session']);
    expect(get.values).toHaveLength(1);
    // The dead socket never delivered a frame: no success, so the attempts count on.
    expect(k.story()).toEqual(['idle', 'connecting 1', 'open', 'reconnecting 2', 'connecting 2', 'open']);
  });

  it('a late frame (not the pong) within the timeout also keeps the socket', () => {
    const k = kit(heartbeat);
    k.server.silent = true;
    let turnId = '';
    k.server.script = (action) => ((turnId = action.requestId), []);
    k.client.turn({ sessionId: 's', message: 'hi' }).subscribe(quietly);
    k.socket(0).open();
    k.clock.advance(1000); // ping sent, unanswered
    k.clock.advance(400);
    k.socket(0).receive(tokenFrame(turnId, 'late'));
    k.clock.advance(200);
    expect(k.socket(0).readyState).toBe(1);
    expect(k.sockets.all).toHaveLength(1);
  });
});

describe('lazy close', () => {
  it('closes a socket nothing needs after lazyCloseTimeoutMs (1000), then the next use reopens', () => {
    const k = kit({ lazyCloseTimeoutMs: 1000 });
    k.client.getSession('s').subscribe(quietly);
    k.socket(0).open();
    k.clock.advance(1); // answered at 1
    k.clock.advance(999);
    expect(k.state()).toBe('open');
    k.clock.advance(1);
    expect(k.socket(0).clientClose).toEqual({ code: 1000, reason: 'idle' });
    expect(k.story()).toEqual(['idle', 'connecting 1', 'open', 'closed idle (1000)']);
    expect(k.clock.actions).toHaveLength(0);
    const get = watch(k.client.getSession('s'));
    expect(k.story().at(-1)).toBe('connecting 1');
    k.socket(1).open();
    k.clock.advance(10);
    expect(get.values).toHaveLength(1);
  });

  it('a request while the lazy close is pending keeps the socket', () => {
    const k = kit({ lazyCloseTimeoutMs: 1000 });
    k.client.getSession('s').subscribe(quietly);
    k.socket(0).open();
    k.clock.advance(900);
    k.server.silent = true;
    k.client.getSession('s').subscribe(quietly);
    k.clock.advance(5000);
    expect(k.state()).toBe('open');
    expect(k.sockets.all).toHaveLength(1);
  });

  it('a request made as the idle close is announced opens exactly one new socket', () => {
    const k = kit({ lazyCloseTimeoutMs: 1000 });
    const answers: unknown[] = [];
    let asked = false;
    k.client.state$.subscribe((state) => {
      if (state.status !== 'closed' || state.why !== 'idle' || asked) return;
      asked = true;
      k.client.getSession('again').subscribe({ next: (s) => answers.push(s) });
    });
    k.client.getSession('s').subscribe(quietly);
    k.socket(0).open();
    k.clock.advance(1001);
    expect(k.sockets.all).toHaveLength(2);
    expect(k.story().slice(3)).toEqual(['closed idle (1000)', 'connecting 1']);
    k.socket(1).open();
    k.clock.advance(10);
    expect(answers).toHaveLength(1);
    // No timer of an orphaned attempt is left to fire.
    k.clock.advance(60_000);
    expect(k.sockets.all).toHaveLength(2);
  });
});

describe('the last caller gives up during the handshake', () => {
  it('a request that times out before the socket opens ends the attempt: the socket is closed, nothing lingers', () => {
    const k = kit({ requestTimeoutMs: 1000, connectTimeoutMs: 10_000 });
    const get = watch(k.client.getSession('s'));
    k.clock.advance(1000);
    expect(get.error).toMatchObject({ code: 'REQUEST_TIMEOUT' });
    expect(k.socket(0).readyState).toBe(3);
    expect(k.story()).toEqual(['idle', 'connecting 1', 'closed lost']);
    expect(k.clock.actions).toHaveLength(0);
    // The next use dials anew.
    k.client.getSession('s').subscribe(quietly);
    expect(k.sockets.all).toHaveLength(2);
    expect(k.story().at(-1)).toBe('connecting 1');
  });

  it('an unsubscribed turn likewise, and a token function that has not answered is abandoned', () => {
    const k = kit();
    k.client.turn({ sessionId: 's', message: 'hi' }).subscribe(quietly).unsubscribe();
    expect(k.socket(0).readyState).toBe(3);
    expect(k.socket(0).sent).toHaveLength(0);
    expect(k.state()).toBe('closed');
    const tokens = new Subject<string>();
    const late = kit({ token: () => tokens });
    late.client.ping().subscribe(quietly).unsubscribe();
    expect(tokens.observed).toBe(false);
    tokens.next('late');
    expect(late.sockets.all).toHaveLength(0);
    expect(late.story()).toEqual(['idle', 'connecting 1', 'closed lost']);
    expect(late.clock.actions).toHaveLength(0);
  });

  it('a session handle keeps the attempt going', () => {
    const k = kit({ requestTimeoutMs: 1000 });
    k.client.session({ agentId: 'a' });
    k.client.session({ agentId: 'a' }).open().subscribe(quietly);
    k.clock.advance(1000);
    expect(k.socket(0).readyState).toBe(0);
    expect(k.state()).toBe('connecting');
  });
});

describe('client.close()', () => {
  it('completes the info$ of every session handle', () => {
    const k = kit();
    const session = k.client.session({ agentId: 'a' });
    const info = watch(session.info$);
    session.open().subscribe(quietly);
    k.socket(0).open();
    k.clock.advance(1);
    expect(info.values).toHaveLength(1);
    k.client.close();
    expect(info.completed).toBe(true);
    // A handle made after the close has nothing to tell either.
    expect(watch(k.client.session({ agentId: 'b' }).info$).completed).toBe(true);
  });

  const closedByClient = (k: ReturnType<typeof kit>) => {
    expect(k.clock.actions).toHaveLength(0);
    const replay: string[] = [];
    k.client.state$.subscribe({ next: (s) => replay.push(s.status === 'closed' ? `closed ${s.why}` : s.status), complete: () => replay.push('complete') });
    expect(replay).toEqual(['closed client', 'complete']);
    k.clock.advance(120_000);
  };

  it('while connecting: the socket closed, the request fails CLIENT_CLOSED, nothing scheduled', () => {
    const k = kit({ ...heartbeat, requestTimeoutMs: 5000 });
    const get = watch(k.client.getSession('s'));
    k.client.close();
    expect(k.socket(0).readyState).toBe(3);
    expect(get.error).toMatchObject({ code: 'CLIENT_CLOSED' });
    closedByClient(k);
    expect(k.sockets.all).toHaveLength(1);
  });

  it('while the token function has not answered yet: no socket is ever opened', () => {
    const tokens = new Subject<string>();
    const k = kit({ token: () => tokens, connectTimeoutMs: 1000 });
    const get = watch(k.client.getSession('s'));
    k.client.close();
    expect(get.error).toMatchObject({ code: 'CLIENT_CLOSED' });
    expect(tokens.observed).toBe(false);
    tokens.next('late');
    closedByClient(k);
    expect(k.sockets.all).toHaveLength(0);
  });

  it('while waiting to reconnect', () => {
    const k = kit({ ...heartbeat, retryBaseDelayMs: 10_000 });
    k.client.getSession('s').subscribe(quietly);
    k.socket(0).fail();
    expect(k.state()).toBe('reconnecting');
    k.client.close();
    closedByClient(k);
    expect(k.sockets.all).toHaveLength(1);
  });

  it('while open, with the heartbeat and a turn timer running', () => {
    const k = kit({ ...heartbeat, turnTimeoutMs: 30_000 });
    const turn = watch(k.client.turn({ sessionId: 's', message: 'hi' }));
    k.socket(0).open();
    k.clock.advance(10);
    k.client.close();
    expect(k.socket(0).clientClose).toEqual({ code: 1000, reason: 'client closed' });
    expect(turn.error).toBeInstanceOf(SmoothConnectionError);
    expect(turn.error).toMatchObject({ code: 'CLIENT_CLOSED' });
    expect(k.story().slice(-2)).toEqual(['closing', 'closed client (1000)']);
    closedByClient(k);
    expect(k.sockets.all).toHaveLength(1);
  });

  it.each(['connecting', 'reconnecting', 'open'] as const)('from a state$ subscriber as the client turns %s', (phase) => {
    const k = kit({ ...heartbeat, retryBaseDelayMs: 10_000 });
    k.server.silent = true; // the request stays in flight: the socket is needed
    k.client.state$.subscribe((state) => {
      if (state.status === phase) k.client.close();
    });
    k.client.getSession('s').subscribe(quietly);
    if (phase !== 'connecting') k.socket(0).open();
    k.clock.advance(10);
    if (phase === 'reconnecting') k.socket(0).fail();
    closedByClient(k);
    expect(k.sockets.all.length).toBeLessThanOrEqual(1);
    expect(k.sockets.all.every((s) => s.readyState === 3)).toBe(true);
  });
});

describe('state$ after client.close()', () => {
  // A closed→closed change is still told when its reason changes: after an idle close, close()
  // says `why: 'client'`.
  it("client.close() after an idle close says closed (why: 'client')", () => {
    const k = kit({ lazyCloseTimeoutMs: 100 });
    k.client.ping().subscribe(quietly);
    k.clock.advance(1);
    k.socket(0).open();
    k.clock.advance(200);
    expect(k.story().slice(-1)).toEqual(['closed idle (1000)']);
    k.client.close();
    expect(k.states[k.states.length - 1]).toMatchObject({ status: 'closed', why: 'client' });
  });

  it('replays closed, then completes', async () => {
    const sockets = new FakeSockets();
    const client = createSmoothClient({ url: 'ws://test/ws', webSocketImpl: sockets.WebSocket });
    client.close();
    expect(await firstValueFrom(client.state$.pipe(toArray()))).toEqual([{ status: 'closed', why: 'client', closeCode: undefined, reason: undefined }]);
  });
});
