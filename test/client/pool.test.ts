import type { Diagnostic } from '../../src/client/diagnostics.js';
import type { SmoothError, SmoothTurnInProgressError } from '../../src/errors.js';
import { acceptedFrame, eventualFrame, immediateFrame, tokenFrame, writeConfirmationFrame } from '../../src/testing/frames.js';
import { turnOf } from '../../src/turn/context.js';
import type { TurnEvent } from '../../src/turn/turn-event.js';
import { connectionPool, type SmoothConnectionPool } from '../../src/client/pool.js';
import { harness, type Script, testScheduler } from './harness.js';

/** Each turn streams for `length` frames then answers; a message starting with "ask" parks on a write confirmation. */
const server =
  (length = 10): Script =>
  (action) => {
    if (action.action === 'send_message' && action.message.startsWith('ask')) return [[1, acceptedFrame(action.requestId)], [2, writeConfirmationFrame(action.requestId, 'refund')]];
    if (action.action === 'send_message') return [[1, acceptedFrame(action.requestId)], [2, tokenFrame(action.requestId, action.message)], [length, eventualFrame(action.requestId, action.message)]];
    if (action.action === 'confirm_tool_action') return [[1, immediateFrame(action.requestId, 200, 'Tool action approved', { approved: true })]];
    return undefined;
  };

describe('connectionPool(): a pool of sockets for turns', () => {
  it('is made only by connectionPool(): 4 sockets by default, at least 1, whole numbers', () => {
    expect(connectionPool().maxConnections).toBe(4);
    expect(connectionPool({ maxConnections: 8 }).maxConnections).toBe(8);
    expect(connectionPool({ maxConnections: 0 }).maxConnections).toBe(1);
    expect(connectionPool({ maxConnections: 2.7 }).maxConnections).toBe(2);
    // A look-alike object would carry no pool: the type says so before run time does.
    // @ts-expect-error an object literal is not a SmoothConnectionPool
    const lookAlike: SmoothConnectionPool = { maxConnections: 2 };
    expect(lookAlike.maxConnections).toBe(2);
  });

  // Number(process.env.POOL_SIZE) of an unset variable is NaN: Math.max(1, NaN) is NaN, and
  // `lanes.length >= NaN` is never true, so the pool opens a socket for every concurrent turn.
  it('a NaN maxConnections (an unset env var through Number()) still makes a bounded pool: a whole number, at least 1', () => {
    const pool = connectionPool({ maxConnections: Number(undefined) });
    const h = harness(server(), { pool, turnTimeoutMs: 0 });
    testScheduler().run(({ flush }) => {
      for (let i = 0; i < 12; i++) h.client.turn({ sessionId: `s${i}`, message: 'a' }).subscribe();
      flush();
    });
    expect({ maxConnections: Number.isInteger(pool.maxConnections) && pool.maxConnections >= 1, sockets: h.sockets.all.length <= 4 }).toEqual({ maxConnections: true, sockets: true });
  });

  // A client option until this release: an app whose options are built in a variable (not an
  // object literal at the call) still compiles with it, and would silently run every turn on one
  // socket. Refused, naming the fix.
  it('the removed maxConnections client option is refused, naming connectionPool()', () => {
    const appConfig = { maxConnections: 2, turnTimeoutMs: 0 }; // compiles: no excess-property check off a literal
    expect(() => harness(server(), appConfig)).toThrow(new TypeError('createSmoothClient: `maxConnections` is not a client option; pass `pool: connectionPool({ maxConnections })` instead'));
  });

  // The type stops a look-alike (above), but JavaScript, a cast or a config read from JSON does
  // not: today the client throws "options.pool?.open is not a function", which names no fix.
  it('a look-alike pool given at run time is refused with an error that names connectionPool()', () => {
    const lookAlike = { maxConnections: 2 } as unknown as SmoothConnectionPool;
    expect(() => harness(server(), { pool: lookAlike })).toThrow(/connectionPool\(\)/);
  });

  it('without a pool the client keeps to one socket: the second session\'s turn waits for the first', () => {
    const h = harness(server(), { turnTimeoutMs: 0 });
    testScheduler().run(({ flush }) => {
      h.client.turn({ sessionId: 's1', message: 'a' }).subscribe();
      h.client.turn({ sessionId: 's2', message: 'b' }).subscribe();
      flush();
    });
    expect(h.sockets.all).toHaveLength(1);
    expect(h.timedLog.filter((line) => line.includes('send_message')).map((line) => line.split(' ')[0])).toEqual(['0', '10']);
  });

  it('turns on different sessions run at once, each on its own socket, up to the limit; then FIFO', () => {
    const h = harness(server(), { pool: connectionPool({ maxConnections: 2 }), turnTimeoutMs: 0 });
    const log: string[] = [];
    testScheduler().run(({ flush }) => {
      for (const [sessionId, message] of [['s1', 'a'], ['s2', 'b'], ['s3', 'c']] as const) {
        h.client.turn({ sessionId, message }).subscribe({ complete: () => log.push(`${message} done`) });
      }
      flush();
    });
    expect(h.sockets.all).toHaveLength(2);
    const [first, second] = h.sockets.all;
    const messagesOn = (socket: typeof first) => socket?.sent.filter((a) => a.action === 'send_message').map((a) => (a as { message: string }).message);
    expect(messagesOn(first)).toEqual(['a', 'c']);
    expect(messagesOn(second)).toEqual(['b']);
    // a and b ran side by side; c started when a freed the first socket.
    expect(h.timedLog.filter((line) => line.includes('send_message')).map((line) => line.split(' ')[0])).toEqual(['0', '0', '10']);
    expect(log).toEqual(['a done', 'b done', 'c done']);
  });

  it("a session's own turns run one at a time, even with a free socket", () => {
    const h = harness(server(), { pool: connectionPool({ maxConnections: 3 }), turnTimeoutMs: 0 });
    testScheduler().run(({ flush }) => {
      h.client.turn({ sessionId: 's1', message: 'a' }).subscribe();
      h.client.turn({ sessionId: 's1', message: 'b' }).subscribe();
      h.client.turn({ sessionId: 's2', message: 'c' }).subscribe();
      flush();
    });
    const starts = h.timedLog.filter((line) => line.includes('send_message')).map((line) => line.split(' ')[0]);
    // a and c at once (two sockets), b after a.
    expect(starts).toEqual(['0', '0', '10']);
    expect(h.sockets.all).toHaveLength(2);
  });

  it('a parked turn is answered on its own socket (parks belong to the connection)', () => {
    const h = harness(server(), { pool: connectionPool({ maxConnections: 2 }), turnTimeoutMs: 0 });
    testScheduler().run(({ flush }) => {
      h.client.turn({ sessionId: 's1', message: 'long' }).subscribe();
      h.client
        .turn({ sessionId: 's2', message: 'ask me' })
        .subscribe((e: TurnEvent) => (e.type === 'write_confirmation_required' ? turnOf(e).confirm(true).subscribe() : undefined));
      flush();
    });
    const [first, second] = h.sockets.all;
    expect(second?.sent.map((a) => a.action)).toEqual(['send_message', 'confirm_tool_action']);
    expect(first?.sent.map((a) => a.action)).toEqual(['send_message']);
  });

  it('an extra socket closes when idle and reopens for the next busy moment; close() closes every socket', () => {
    const h = harness(server(), { pool: connectionPool({ maxConnections: 2 }), turnTimeoutMs: 0, lazyCloseTimeoutMs: 100 });
    const errors: string[] = [];
    testScheduler().run(({ flush }) => {
      h.client.turn({ sessionId: 's1', message: 'a' }).subscribe();
      h.client.turn({ sessionId: 's2', message: 'b' }).subscribe();
      flush();
      expect(h.sockets.all.map((socket) => socket.readyState)).toEqual([3, 3]);
      for (const [sessionId, message] of [['s1', 'c'], ['s2', 'd'], ['s3', 'e']] as const) {
        h.client.turn({ sessionId, message }).subscribe({ error: (err: SmoothError) => errors.push(`${message} ${err.code}`) });
      }
      h.client.close();
      h.client.turn({ sessionId: 's4', message: 'f' }).subscribe({ error: (err: SmoothError) => errors.push(`f ${err.code}`) });
    });
    // The waiting turn and one after close() fail too, and open nothing.
    expect(errors).toEqual(['c CLIENT_CLOSED', 'd CLIENT_CLOSED', 'e CLIENT_CLOSED', 'f CLIENT_CLOSED']);
    expect(h.sockets.all).toHaveLength(4);
    expect(h.sockets.all.map((socket) => socket.readyState)).toEqual([3, 3, 3, 3]);
  });

  it("diagnostics$ reports every socket's bad frames", () => {
    const h = harness((action, socket) => {
      if (action.action !== 'send_message') return undefined;
      return [[1, acceptedFrame(action.requestId)], [2, `not json from ${h.sockets.all.indexOf(socket)}`], [3, eventualFrame(action.requestId, 'x')]];
    }, { pool: connectionPool({ maxConnections: 2 }) });
    const diagnostics: Diagnostic[] = [];
    testScheduler().run(({ flush }) => {
      h.client.diagnostics$.subscribe((d) => diagnostics.push(d));
      h.client.turn({ sessionId: 's1', message: 'a' }).subscribe();
      h.client.turn({ sessionId: 's2', message: 'b' }).subscribe();
      flush();
    });
    expect(diagnostics.map((d) => (d.kind === 'unparseable-frame' ? d.raw : d.kind)).sort()).toEqual(['not json from 0', 'not json from 1']);
  });

  it("turnConcurrency 'fail': a turn that finds every socket busy fails with TURN_IN_PROGRESS", () => {
    const h = harness(server(), { pool: connectionPool({ maxConnections: 2 }), turnConcurrency: 'fail', turnTimeoutMs: 0 });
    const errors: string[] = [];
    testScheduler().run(({ flush }) => {
      for (const sessionId of ['s1', 's2', 's3']) h.client.turn({ sessionId, message: sessionId }).subscribe({ error: (err: SmoothError) => errors.push(`${sessionId} ${err.code}`) });
      flush();
    });
    expect(errors).toEqual(['s3 TURN_IN_PROGRESS']);
  });
});

describe("turnConcurrency 'fail' with a pool", () => {
  /** "long…" streams until t=50. */
  const server: Script = (action) => {
    if (action.action !== 'send_message') return undefined;
    return [[1, acceptedFrame(action.requestId)], [2, tokenFrame(action.requestId, 'x')], [action.message.startsWith('long') ? 50 : 10, eventualFrame(action.requestId, 'x')]];
  };

  // With a free socket, a session's second turn is refused because that session's own turn runs:
  // the error must name that turn, or a caller that cancels "the turn in the way" cancels someone
  // else's.
  it("turnConcurrency 'fail' with a pool names the session's own running turn as the one in the way", () => {
    const h = harness(server, { pool: connectionPool({ maxConnections: 3 }), turnConcurrency: 'fail', turnTimeoutMs: 0 });
    const ids: Record<string, string> = {};
    let refused: SmoothTurnInProgressError | undefined;
    testScheduler().run(({ flush }) => {
      h.client.turn({ sessionId: 's1', message: 'long a' }).subscribe((e) => void (ids['a'] = ids['a'] ?? e.requestId));
      h.client.turn({ sessionId: 's2', message: 'long b' }).subscribe((e) => void (ids['b'] = ids['b'] ?? e.requestId));
      h.client.turn({ sessionId: 's2', message: 'c' }).subscribe({ error: (err: SmoothTurnInProgressError) => (refused = err) });
      flush();
    });
    expect(refused?.code).toBe('TURN_IN_PROGRESS');
    expect(refused?.activeRequestId).toBe(ids['b']);
  });
});
