/**
 * The supervisor's reconnect policy on virtual time: back-off, retry counting, fatal close codes,
 * the handshake timeout, and the browser's wake-up events.
 */
import { fullJitterDelay } from '../../../src/client/backoff.js';
import type { ConnectionState } from '../../../src/client/connection.js';
import { connectionPool } from '../../../src/client/pool.js';
import { SmoothConnectionError, SmoothConnectionLostError } from '../../../src/errors.js';
import { eventual } from '../../fixtures/events.js';
import { kit, quietly, watch } from './kit.js';

type Reconnecting = Extract<ConnectionState, { status: 'reconnecting' }>;
const reconnectingStates = (states: ConnectionState[]): Reconnecting[] => states.filter((s): s is Reconnecting => s.status === 'reconnecting');

afterEach(() => jest.restoreAllMocks());

describe('fullJitterDelay', () => {
  it('stays in [0, min(max, base * 2^(n-1))) over the whole range of the random source', () => {
    const justBelowOne = 1 - Number.EPSILON;
    for (const attempt of [1, 2, 3, 7, 20, 2000]) {
      const ceiling = Math.min(30_000, 500 * 2 ** (attempt - 1));
      expect(fullJitterDelay(attempt, 500, 30_000, () => 0)).toBe(0);
      const top = fullJitterDelay(attempt, 500, 30_000, () => justBelowOne);
      expect(top).toBeLessThan(ceiling);
      expect(top).toBeGreaterThanOrEqual(ceiling - 1);
      expect(fullJitterDelay(attempt, 500, 30_000, () => 0.5)).toBe(Math.floor(ceiling / 2));
    }
  });

  it('is a finite number however many attempts, also with a zero base (retryAttempts: Infinity)', () => {
    for (const [base, max] of [[0, 1000], [500, 30_000], [0, 0]] as const) {
      const delay = fullJitterDelay(5000, base, max, () => 0.5);
      expect(Number.isFinite(delay)).toBe(true);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThanOrEqual(max);
    }
  });

  it('doubles the window per attempt until the maximum caps it', () => {
    const half = (n: number) => fullJitterDelay(n, 100, 1000, () => 0.5);
    expect([1, 2, 3, 4, 5, 6].map(half)).toEqual([50, 100, 200, 400, 500, 500]);
  });
});

describe('back-off', () => {
  it('the delay state$ announces is exactly the time until the next attempt', () => {
    const random = jest.spyOn(Math, 'random').mockReturnValue(0.37);
    const k = kit({ retryBaseDelayMs: 1000, retryMaxDelayMs: 60_000 });
    k.client.getSession('s').subscribe({ error: () => undefined });
    for (let n = 0; n < 4; n++) {
      k.clock.advance(10);
      k.socket(n).fail();
      const announced = reconnectingStates(k.states).at(-1);
      expect(announced).toBeDefined();
      const delay = announced?.delayMs ?? -1;
      expect(delay).toBe(fullJitterDelay(announced?.attempt ?? 0, 1000, 60_000, () => 0.37));
      k.clock.advance(delay - 1);
      expect(k.sockets.all).toHaveLength(n + 1);
      k.clock.advance(1);
      expect(k.sockets.all).toHaveLength(n + 2);
    }
    expect(random).toHaveBeenCalled();
    // The window grows with the attempt number it is announced for.
    expect(reconnectingStates(k.states).map((s) => [s.attempt, s.delayMs])).toEqual([2, 3, 4, 5].map((n) => [n, Math.floor(0.37 * 1000 * 2 ** (n - 1))]));
  });

  it('retryDelay is the strategy: asked with the attempt and the previous delay, its answer is the wait (not Math.random)', () => {
    const asked: [number, number][] = [];
    const k = kit({ retryDelay: (attempt, previous) => (asked.push([attempt, previous]), previous * 2 + 100) });
    const random = jest.spyOn(Math, 'random');
    k.client.getSession('s').subscribe({ error: () => undefined });
    const at: number[] = [];
    for (let n = 0; n < 3; n++) {
      k.socket(n).fail();
      const { delayMs } = reconnectingStates(k.states).at(-1) ?? { delayMs: -1 };
      k.clock.advance(delayMs - 1);
      expect(k.sockets.all).toHaveLength(n + 1);
      k.clock.advance(1);
      expect(k.sockets.all).toHaveLength(n + 2);
      at.push(delayMs);
    }
    expect(asked).toEqual([[2, 0], [3, 100], [4, 300]]);
    expect(at).toEqual([100, 300, 700]);
    expect(random).not.toHaveBeenCalled();
  });

  it('retryDelay starts over with the budget after a socket that proved itself; a non-finite or negative answer waits 0', () => {
    const asked: [number, number][] = [];
    const answers = [250, Number.NaN, -5, 40];
    const k = kit({ retryDelay: (attempt, previous) => (asked.push([attempt, previous]), answers.shift() ?? 0) });
    k.client.getSession('a').subscribe(quietly);
    k.socket(0).fail();
    expect(reconnectingStates(k.states).at(-1)?.delayMs).toBe(250);
    k.clock.advance(250);
    k.socket(1).fail();
    expect(reconnectingStates(k.states).at(-1)?.delayMs).toBe(0);
    k.clock.advance(0);
    k.socket(2).open();
    k.clock.advance(10); // the answer to 'a' proves the socket
    k.client.getSession('b').subscribe(quietly);
    k.server.silent = true;
    k.socket(2).fail();
    expect(reconnectingStates(k.states).at(-1)?.delayMs).toBe(0);
    k.clock.advance(0);
    k.socket(3).fail();
    expect(reconnectingStates(k.states).at(-1)?.delayMs).toBe(40);
    // After the proven socket the attempts count from 1 again (as state$ numbers them), the previous delay from 0.
    expect(asked).toEqual([[2, 0], [3, 250], [1, 0], [2, 0]]);
  });

  it('retryAttempts failed reconnects after a first use, then closed/retries-exhausted fails what waits', () => {
    const k = kit({ retryAttempts: 2, retryBaseDelayMs: 100 });
    const get = watch(k.client.getSession('s'));
    for (let n = 0; n < 3; n++) {
      k.socket(n).fail();
      k.clock.advance(1000);
    }
    // The first use and two retries: three sockets.
    expect(k.sockets.all).toHaveLength(3);
    expect(k.story()).toEqual(['idle', 'connecting 1', 'reconnecting 2', 'connecting 2', 'reconnecting 3', 'connecting 3', 'closed retries-exhausted']);
    expect(get.error).toBeInstanceOf(SmoothConnectionLostError);
    // Given up for good: not worth retrying by itself.
    expect(get.error).toMatchObject({ code: 'CONNECTION_ERROR', retryable: false });
    expect(k.clock.actions).toHaveLength(0);
  });

  it('after a socket was open, retryAttempts reconnects, then the same ending', () => {
    const k = kit({ retryAttempts: 2, retryBaseDelayMs: 100 });
    k.client.getSession('s').subscribe(quietly);
    k.socket(0).open();
    k.clock.advance(10);
    const get = watch(k.client.getSession('s2'));
    k.server.silent = true;
    k.socket(0).serverClose(1011, 'restart');
    for (let n = 1; n <= 2; n++) {
      k.clock.advance(1000);
      k.socket(n).fail();
    }
    k.clock.advance(1000);
    expect(k.sockets.all).toHaveLength(3);
    expect(k.story().slice(2)).toEqual(['open', 'reconnecting 1 (1011)', 'connecting 1', 'reconnecting 2', 'connecting 2', 'closed retries-exhausted']);
    expect(get.error).toMatchObject({ code: 'CONNECTION_ERROR' });
  });

  it('the count restarts after a socket opens', () => {
    const k = kit({ retryAttempts: 2, retryBaseDelayMs: 100 });
    k.client.getSession('a').subscribe(quietly);
    k.socket(0).fail();
    k.clock.advance(1000);
    k.socket(1).fail();
    k.clock.advance(1000);
    k.socket(2).open(); // the last retry the budget allowed
    k.clock.advance(10);
    const get = watch(k.client.getSession('b'));
    k.server.silent = true;
    k.socket(2).fail();
    k.clock.advance(1000);
    k.socket(3).fail();
    k.clock.advance(1000);
    // Two more reconnects after the open, not none.
    expect(k.sockets.all).toHaveLength(5);
    k.server.silent = false;
    k.socket(4).open();
    k.clock.advance(10);
    expect(get.values).toHaveLength(1);
    expect(k.story().filter((s) => s.startsWith('connecting'))).toEqual(['connecting 1', 'connecting 2', 'connecting 3', 'connecting 1', 'connecting 2']);
  });

  it('a socket that opens and closes before any frame is not a success: the count and the back-off go on', () => {
    jest.spyOn(Math, 'random').mockReturnValue(0.5);
    const k = kit({ retryAttempts: 3, retryBaseDelayMs: 100, retryMaxDelayMs: 10_000 });
    const ping = watch(k.client.ping());
    for (let n = 0; n < 10 && k.state() !== 'closed'; n++) {
      k.socket(n).open();
      k.socket(n).serverClose(4000, 'overloaded');
      k.clock.advance(10_000);
    }
    // The first socket and three reconnects, with a growing back-off; then the ping fails.
    expect(k.sockets.all).toHaveLength(4);
    expect(reconnectingStates(k.states).map((s) => [s.attempt, s.delayMs])).toEqual([[2, 100], [3, 200], [4, 400]]);
    expect(k.story().at(-1)).toBe('closed retries-exhausted (4000)');
    expect(ping.error).toMatchObject({ code: 'CONNECTION_CLOSED', closeCode: 4000 });
  });

  it('retryAttempts: Infinity with a zero base delay keeps reconnecting past attempt 1024', () => {
    const k = kit({ retryAttempts: Infinity, retryBaseDelayMs: 0, connectTimeoutMs: 0 });
    k.client.getSession('s').subscribe(quietly);
    for (let n = 0; n < 1100; n++) {
      k.socket(n).fail();
      k.clock.advance(0);
    }
    expect(k.sockets.all).toHaveLength(1101);
  });

  it('retryAttempts: 0 never reconnects, on first use or after an open', () => {
    const first = kit({ retryAttempts: 0 });
    const a = watch(first.client.getSession('s'));
    first.socket(0).fail();
    first.clock.advance(60_000);
    expect(first.sockets.all).toHaveLength(1);
    expect(first.story()).toEqual(['idle', 'connecting 1', 'closed retries-exhausted']);
    expect(a.error).toBeInstanceOf(SmoothConnectionLostError);

    const later = kit({ retryAttempts: 0 });
    later.client.getSession('s').subscribe(quietly);
    later.socket(0).open();
    later.clock.advance(10);
    later.server.silent = true;
    const b = watch(later.client.getSession('s'));
    later.socket(0).serverClose(1001, 'going away');
    later.clock.advance(60_000);
    expect(later.sockets.all).toHaveLength(1);
    expect(later.story().at(-1)).toBe('closed retries-exhausted (1001)');
    expect(b.error).toMatchObject({ code: 'CONNECTION_CLOSED', closeCode: 1001 });
  });

  it('a closed/retries-exhausted client starts afresh on its next use', () => {
    const k = kit({ retryAttempts: 1, retryBaseDelayMs: 100 });
    k.client.getSession('s').subscribe({ error: () => undefined });
    k.socket(0).fail();
    k.clock.advance(1000);
    k.socket(1).fail();
    expect(k.state()).toBe('closed');
    const get = watch(k.client.getSession('s'));
    expect(k.story().at(-1)).toBe('connecting 1');
    k.socket(2).open();
    k.clock.advance(10);
    expect(get.values).toHaveLength(1);
  });

  it('a request that gives up while the client waits to reconnect leaves nothing to reconnect for', () => {
    jest.spyOn(Math, 'random').mockReturnValue(0.99);
    const k = kit({ requestTimeoutMs: 1000, retryBaseDelayMs: 5000, retryMaxDelayMs: 5000 });
    const get = watch(k.client.getSession('s'));
    k.socket(0).fail(); // reconnecting, next attempt in 4950 ms
    k.clock.advance(1000);
    expect(get.error).toMatchObject({ code: 'REQUEST_TIMEOUT' });
    expect(k.story().at(-1)).toBe('closed lost');
    expect(k.clock.actions).toHaveLength(0);
    k.clock.advance(10_000);
    expect(k.sockets.all).toHaveLength(1);
    // The next use is a fresh first attempt.
    k.client.getSession('s').subscribe(quietly);
    expect(k.story().at(-1)).toBe('connecting 1');
  });
});

describe('fatal closes', () => {
  it.each([1008, 4001, 4003])('close code %i stops retrying: closed/fatal, what waits fails with the code', (code) => {
    const k = kit();
    k.client.getSession('s').subscribe(quietly);
    k.socket(0).open();
    k.clock.advance(10);
    k.server.silent = true;
    const get = watch(k.client.getSession('s'));
    k.socket(0).serverClose(code, 'no');
    k.clock.advance(120_000);
    expect(k.sockets.all).toHaveLength(1);
    expect(k.story().at(-1)).toBe(`closed fatal (${code})`);
    expect(get.error).toMatchObject({ code: 'CONNECTION_CLOSED', closeCode: code, retryable: false });
    expect(k.clock.actions).toHaveLength(0);
  });

  it.each([4001, 4003, 1008])('%i is fatal from the code, also on an unclean close (and on a refused handshake)', (code) => {
    const k = kit();
    const get = watch(k.client.getSession('s'));
    const socket = k.socket(0);
    socket.readyState = 3;
    socket.onclose?.({ code, reason: '', wasClean: false });
    k.clock.advance(120_000);
    expect(k.sockets.all).toHaveLength(1);
    expect(k.story().at(-1)).toBe(`closed fatal (${code})`);
    expect(get.error).toMatchObject({ closeCode: code });
  });

  it('a clean close with another code is retried: wasClean decides nothing', () => {
    const k = kit({ retryBaseDelayMs: 100 });
    k.client.getSession('s').subscribe(quietly);
    k.socket(0).open();
    k.clock.advance(10);
    k.client.getSession('s').subscribe(quietly);
    k.server.silent = true;
    k.socket(0).serverClose(4000, 'bye');
    k.clock.advance(1000);
    expect(k.sockets.all).toHaveLength(2);
    expect(k.story().slice(3)).toEqual(['reconnecting 1 (4000)', 'connecting 1']);
  });

  it('shouldRetry sees the close and saying no is fatal', () => {
    const seen: unknown[] = [];
    const k = kit({ shouldRetry: (close) => (seen.push(close), close.code !== 4500) });
    k.client.getSession('s').subscribe(quietly);
    k.socket(0).open();
    k.clock.advance(10);
    k.server.silent = true;
    const get = watch(k.client.getSession('s'));
    k.socket(0).serverClose(4500, 'banned');
    k.clock.advance(120_000);
    expect(seen).toEqual([{ code: 4500, reason: 'banned' }]);
    expect(k.sockets.all).toHaveLength(1);
    expect(k.story().at(-1)).toBe('closed fatal (4500)');
    expect(get.error).toBeInstanceOf(SmoothConnectionError);
  });
  it('a shouldRetry that throws counts as no: closed/fatal, what waits fails, nothing escapes', () => {
    const k = kit({
      shouldRetry: () => {
        throw new Error('bug in the app');
      },
    });
    const get = watch(k.client.getSession('s'));
    k.socket(0).serverClose(1011, 'restart');
    k.clock.advance(120_000);
    expect(k.story().at(-1)).toBe('closed fatal (1011)');
    expect(get.error).toMatchObject({ code: 'CONNECTION_CLOSED', closeCode: 1011 });
    expect(k.sockets.all).toHaveLength(1);
    // The client is usable again: the next use starts afresh.
    k.client.getSession('s').subscribe(quietly);
    expect(k.story().at(-1)).toBe('connecting 1');
  });
});

describe('handshake timeout', () => {
  it('a socket that never opens is a failed attempt, closed by the client, then retried', () => {
    jest.spyOn(Math, 'random').mockReturnValue(0);
    const k = kit({ connectTimeoutMs: 1000 });
    const get = watch(k.client.getSession('s'));
    k.clock.advance(999);
    expect(k.state()).toBe('connecting');
    k.clock.advance(1);
    expect(k.socket(0).readyState).toBe(3);
    expect(k.socket(0).clientClose).toBeDefined();
    const waiting = reconnectingStates(k.states).at(-1);
    expect(waiting).toMatchObject({ attempt: 2, closeCode: undefined, reason: 'no handshake within 1000 ms' });
    k.clock.advance(0);
    expect(k.sockets.all).toHaveLength(2);
    k.socket(1).open();
    k.clock.advance(10);
    // The queue survived the failed attempt.
    expect(k.sentOn(1)).toEqual(['get_session']);
    expect(get.values).toHaveLength(1);
  });

  it('0 disables it: the attempt waits for ever with nothing scheduled', () => {
    const k = kit({ connectTimeoutMs: 0 });
    k.client.getSession('s').subscribe(quietly);
    expect(k.clock.actions).toHaveLength(0);
    k.clock.advance(10 * 60_000);
    expect(k.sockets.all).toHaveLength(1);
    expect(k.state()).toBe('connecting');
  });
});

describe('online / visibilitychange', () => {
  type Listener = () => void;
  const target = globalThis as unknown as { addEventListener?: unknown; removeEventListener?: unknown };
  let listeners: Map<string, Set<Listener>>;
  let saved: { add: unknown; remove: unknown };

  beforeEach(() => {
    listeners = new Map();
    saved = { add: target.addEventListener, remove: target.removeEventListener };
    target.addEventListener = (type: string, listener: Listener) => listeners.set(type, (listeners.get(type) ?? new Set()).add(listener));
    target.removeEventListener = (type: string, listener: Listener) => listeners.get(type)?.delete(listener);
  });
  afterEach(() => {
    target.addEventListener = saved.add;
    target.removeEventListener = saved.remove;
  });
  const fire = (type: string) => [...(listeners.get(type) ?? [])].forEach((listener) => listener());
  const count = () => [...listeners.values()].reduce((n, set) => n + set.size, 0);

  it.each(['online', 'visibilitychange'])('%s while reconnecting attempts at once', (type) => {
    jest.spyOn(Math, 'random').mockReturnValue(0.99);
    const k = kit({ retryBaseDelayMs: 10_000, connectTimeoutMs: 0 });
    k.client.getSession('s').subscribe(quietly);
    k.socket(0).fail();
    expect(count()).toBe(2);
    k.clock.advance(5);
    fire(type);
    expect(k.sockets.all).toHaveLength(2);
    expect(k.story().at(-1)).toBe('connecting 2');
    // The back-off timer is gone with the listeners: no second attempt later.
    expect(count()).toBe(0);
    expect(k.clock.actions.filter((a) => a.delay > k.clock.frame + 10_000)).toHaveLength(0);
    k.clock.advance(60_000);
    expect(k.sockets.all).toHaveLength(2);
  });

  it('visibilitychange to a hidden page waits for the back-off', () => {
    const doc = globalThis as unknown as { document?: unknown };
    const had = 'document' in doc;
    const saved = doc.document;
    doc.document = { visibilityState: 'hidden' };
    try {
      const k = kit({ retryBaseDelayMs: 10_000, connectTimeoutMs: 0 });
      k.client.getSession('s').subscribe(quietly);
      k.socket(0).fail();
      fire('visibilitychange');
      expect(k.sockets.all).toHaveLength(1);
      (doc.document as { visibilityState: string }).visibilityState = 'visible';
      fire('visibilitychange');
      expect(k.sockets.all).toHaveLength(2);
    } finally {
      if (had) doc.document = saved;
      else delete doc.document;
    }
  });

  it('is ignored outside the back-off wait, and close() removes the listeners', () => {
    const k = kit({ retryBaseDelayMs: 10_000 });
    k.client.getSession('s').subscribe(quietly);
    fire('online');
    expect(k.sockets.all).toHaveLength(1);
    k.socket(0).fail();
    expect(count()).toBe(2);
    k.client.close();
    expect(count()).toBe(0);
    fire('online');
    expect(k.sockets.all).toHaveLength(1);
  });
});

describe('giving up fails everything waiting, once', () => {
  it('a fatal close (4001) while a turn waits in the queue: no new connection, both turns fail with retryable: false', () => {
    const k = kit();
    const running = watch(k.client.turn({ sessionId: 's', message: 'one' }));
    const queued = watch(k.client.turn({ sessionId: 's', message: 'two' }));
    k.socket(0).open();
    k.clock.advance(1);
    k.socket(0).serverClose(4001, 'unauthorized');
    k.clock.advance(120_000);
    expect(k.sockets.all).toHaveLength(1);
    expect(k.story()).toEqual(['idle', 'connecting 1', 'open', 'closed fatal (4001)']);
    expect(running.error).toMatchObject({ code: 'CONNECTION_CLOSED', closeCode: 4001, retryable: false });
    expect(queued.error).toBeInstanceOf(SmoothConnectionLostError);
    expect(queued.error).toMatchObject({ code: 'CONNECTION_CLOSED', closeCode: 4001, retryable: false });
    expect(k.clock.actions).toHaveLength(0);
  });

  it('the same through a session handle: its queued turn does not reconnect with the refused credentials', () => {
    const k = kit();
    const session = k.client.session({ agentId: 'a' });
    const running = watch(session.turn('one'));
    const queued = watch(session.turn('two'));
    k.socket(0).open();
    k.clock.advance(2);
    expect(k.sentOn(0)).toEqual(['create_conversation_session', 'send_message']);
    k.socket(0).serverClose(4001, 'unauthorized');
    k.clock.advance(120_000);
    expect(k.sockets.all).toHaveLength(1);
    expect(k.story().at(-1)).toBe('closed fatal (4001)');
    for (const turn of [running, queued]) expect(turn.error).toMatchObject({ closeCode: 4001, retryable: false });
  });

  it('turns queued behind a lost turn fail with it when retrying gives up: retryAttempts + 1 handshakes in all', () => {
    const k = kit({ retryAttempts: 2, retryBaseDelayMs: 100 });
    const turns = ['one', 'two', 'three', 'four'].map((message) => watch(k.client.turn({ sessionId: 's', message })));
    k.socket(0).open();
    k.clock.advance(1);
    k.socket(0).fail();
    // Every handshake from now on is refused.
    for (let i = 0; i < 15; i++) {
      k.clock.advance(1000);
      k.sockets.all.at(-1)?.fail();
    }
    expect(k.sockets.all).toHaveLength(1 + 3);
    expect(turns[0]?.error).toMatchObject({ retryable: true });
    for (const turn of turns.slice(1)) expect(turn.error).toMatchObject({ code: 'CONNECTION_ERROR', retryable: false });
    expect(k.story().at(-1)).toBe('closed retries-exhausted');
    expect(k.clock.actions).toHaveLength(0);
  });

  it('the same through a session handle holding the connection', () => {
    const k = kit({ retryAttempts: 2, retryBaseDelayMs: 100 });
    const session = k.client.session({ agentId: 'a' });
    const turns = ['one', 'two', 'three'].map((message) => watch(session.turn(message)));
    k.socket(0).open();
    k.clock.advance(2);
    k.socket(0).fail();
    for (let i = 0; i < 15; i++) {
      k.clock.advance(1000);
      k.sockets.all.at(-1)?.fail();
    }
    // Held, the connection reconnects at once: the lost socket, then retryAttempts reconnects.
    expect(k.sockets.all).toHaveLength(1 + 2);
    expect(turns[0]?.error).toMatchObject({ retryable: true });
    for (const turn of turns.slice(1)) expect(turn.error).toMatchObject({ retryable: false });
  });
});

describe('a use after a fatal close', () => {
  it('refused credentials are not offered again: a new use fails at once, with no socket and no state change', () => {
    const k = kit({ token: 'old' });
    k.client.getSession('s').subscribe(quietly);
    k.socket(0).open();
    k.clock.advance(1);
    k.socket(0).serverClose(4003, 'forbidden');
    const story = k.story();
    const again = watch(k.client.getSession('s'));
    expect(again.error).toBeInstanceOf(SmoothConnectionLostError);
    expect(again.error).toMatchObject({ code: 'CONNECTION_CLOSED', closeCode: 4003, retryable: false });
    expect(k.sockets.all).toHaveLength(1);
    expect(k.story()).toEqual(story);
    expect(k.clock.actions).toHaveLength(0);
  });

  it('with a token function: the same token is not dialled again, a refreshed one is', () => {
    let token = 'old';
    const k = kit({ token: () => token });
    k.client.getSession('s').subscribe(quietly);
    k.socket(0).open();
    k.clock.advance(1);
    k.socket(0).serverClose(4001, 'expired');
    const same = watch(k.client.getSession('s'));
    expect(same.error).toMatchObject({ closeCode: 4001, retryable: false });
    expect(k.sockets.all).toHaveLength(1);
    expect(k.story().at(-1)).toBe('closed fatal (4001)');
    token = 'new';
    const refreshed = watch(k.client.getSession('s'));
    expect(k.sockets.all).toHaveLength(2);
    expect(k.socket(1).url).toContain('token=new');
    k.socket(1).open();
    k.clock.advance(1);
    expect(refreshed.values).toHaveLength(1);
  });

  it('with several sockets, credentials refused on one are not offered on another', () => {
    const k = kit({ pool: connectionPool({ maxConnections: 2 }), lazyCloseTimeoutMs: 1000 });
    const first = watch(k.client.turn({ sessionId: 's1', message: 'one' }));
    const second = watch(k.client.turn({ sessionId: 's2', message: 'two' }));
    k.socket(0).open();
    k.socket(1).open();
    k.clock.advance(1);
    k.socket(0).receive(eventual(k.socket(0).sent[0]?.requestId ?? '', 'done'));
    expect(first.completed).toBe(true);
    k.clock.advance(1000);
    expect(k.socket(0).readyState).toBe(3);
    k.socket(1).serverClose(4001, 'revoked');
    expect(second.error).toMatchObject({ closeCode: 4001, retryable: false });
    const third = watch(k.client.turn({ sessionId: 's3', message: 'three' }));
    const request = watch(k.client.getSession('s3'));
    expect(k.sockets.all).toHaveLength(2);
    expect(third.error).toMatchObject({ closeCode: 4001, retryable: false });
    expect(request.error).toMatchObject({ closeCode: 4001, retryable: false });
  });

  it('a fatal close that is not about credentials (1008, or shouldRetry said no): the next use starts afresh', () => {
    const k = kit();
    k.client.getSession('s').subscribe(quietly);
    k.socket(0).open();
    k.clock.advance(1);
    k.socket(0).serverClose(1008, 'policy');
    k.client.getSession('s').subscribe(quietly);
    expect(k.sockets.all).toHaveLength(2);
    expect(k.story().at(-1)).toBe('connecting 1');
  });
});

const handle = { agentId: 'support', userName: 'Alice' };

describe('the retry budget', () => {
  // A socket that opened and received a frame is not a success whatever the frame: a server that
  // sends one junk frame and closes, on every socket, must not be reconnected to for ever at the
  // first attempt's delay.
  it('a server that sends one junk frame and closes every socket still exhausts retryAttempts', () => {
    const k = kit({ retryAttempts: 3, retryBaseDelayMs: 10, retryMaxDelayMs: 10 });
    const session = k.client.session(handle);
    session.open().subscribe(quietly);
    let served = 0;
    for (let step = 0; step < 50; step++) {
      k.clock.advance(20);
      while (served < k.sockets.all.length) {
        const socket = k.socket(served++);
        socket.open();
        socket.receive('not json');
        socket.serverClose(1011, 'internal error');
      }
    }
    expect(k.sockets.all.length).toBeLessThanOrEqual(4);
    expect(k.states[k.states.length - 1]).toMatchObject({ status: 'closed', why: 'retries-exhausted' });
  });
});
