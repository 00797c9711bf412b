/**
 * `state$` of a client with several connections (a `connectionPool()`): one story told from all
 * of its sockets, not the first socket's alone.
 */
import { aggregateState, connectionPool } from '../../../src/client/pool.js';
import type { ConnectionState } from '../../../src/client/connection.js';
import { eventual } from '../../fixtures/events.js';
import { kit, watch } from './kit.js';

/** Two turns of two sessions, each on its own open socket, acknowledged and still running. */
function twoRunning(options: Parameters<typeof kit>[0] = {}) {
  const k = kit({ pool: connectionPool({ maxConnections: 2 }), ...options });
  const first = watch(k.client.turn({ sessionId: 's1', message: 'one' }));
  const second = watch(k.client.turn({ sessionId: 's2', message: 'two' }));
  expect(k.sockets.all).toHaveLength(2);
  k.socket(0).open();
  k.socket(1).open();
  k.clock.advance(1);
  return { k, first, second };
}

describe('state$ with a connection pool', () => {
  it('stays open while a pooled turn streams, though the first socket closed as idle', () => {
    const { k, first, second } = twoRunning({ lazyCloseTimeoutMs: 1000 });
    const firstId = k.socket(0).sent[0]?.requestId ?? '';
    k.socket(0).receive(eventual(firstId, 'done'));
    expect(first.completed).toBe(true);
    k.clock.advance(1000);
    expect(k.socket(0).readyState).toBe(3);
    expect(k.state()).toBe('open');
    expect(second.error).toBeUndefined();
    expect(k.story()).not.toContain('closed idle');
  });

  it('says a socket was lost only once no socket is open', () => {
    const { k } = twoRunning({ retryBaseDelayMs: 100 });
    k.socket(0).fail();
    expect(k.state()).toBe('open');
    k.socket(1).fail();
    expect(k.state()).toBe('closed');
    expect(k.story().at(-1)).toBe('closed lost');
  });

  // Like one connection's state$, the pooled state$ does not repeat a state: a second socket opening after the first is open says nothing new.
  it('tells each change once: a second socket opening is not a second open', () => {
    const k = kit({ pool: connectionPool({ maxConnections: 2 }) });
    watch(k.client.turn({ sessionId: 's1', message: 'one' }));
    watch(k.client.turn({ sessionId: 's2', message: 'two' }));
    k.socket(1).open();
    k.socket(0).open();
    k.clock.advance(1);
    expect(k.story()).toEqual(['idle', 'connecting 1', 'open']);
  });

  it('completes on close(), closed by the client', () => {
    const { k } = twoRunning();
    const seen = watch(k.client.state$);
    k.client.close();
    expect(seen.values.at(-1)).toMatchObject({ status: 'closed', why: 'client' });
    expect(seen.completed).toBe(true);
  });
});

describe('aggregateState', () => {
  const closed = (why: Extract<ConnectionState, { status: 'closed' }>['why']): ConnectionState => ({ status: 'closed', why, closeCode: undefined, reason: undefined });
  const reconnecting: ConnectionState = { status: 'reconnecting', attempt: 2, delayMs: 10, closeCode: 1006, reason: undefined };

  it.each<[string, ConnectionState[], ConnectionState]>([
    ['open beats everything', [closed('fatal'), reconnecting, { status: 'open' }], { status: 'open' }],
    ['connecting beats reconnecting', [reconnecting, { status: 'connecting', attempt: 1 }], { status: 'connecting', attempt: 1 }],
    ['reconnecting beats closed', [closed('idle'), reconnecting], reconnecting],
    ['the most telling close', [closed('idle'), closed('retries-exhausted'), closed('lost')], closed('retries-exhausted')],
    ['idle only when all are', [{ status: 'idle' }, closed('idle')], closed('idle')],
  ])('%s', (_name, states, expected) => {
    expect(aggregateState(states)).toEqual(expected);
  });
});
