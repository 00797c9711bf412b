/**
 * `connectionPool()` against the mock server over loopback: turns of several sessions run side by
 * side on their own sockets (no TURN_IN_PROGRESS), a session's own turns one at a time, and the
 * pool goes on after one of its sockets is dropped.
 */
import { finalize, firstValueFrom, lastValueFrom, tap, toArray } from 'rxjs';
import { connectionPool, createSmoothClient, SmoothConnectionLostError, type SmoothClient, type TurnEvent } from '../../src/index.js';
import { startMockServer, type MockServer } from '../../src/testing/mock-server/index.js';
import { text as answerText } from '../../operators/index.js';

let server: MockServer;
let client: SmoothClient | undefined;
afterEach(async () => {
  client?.close();
  client = undefined;
  await server.close();
});

const answerOf = (turn$: ReturnType<SmoothClient['turn']>) => lastValueFrom(turn$.pipe(answerText()));
const turnsPerConnection = () => {
  const counts = new Map<number, number>();
  for (const frame of server.received) if (frame.action === 'send_message') counts.set(frame.connection, (counts.get(frame.connection) ?? 0) + 1);
  return [...counts.values()].sort();
};

describe('connectionPool() against the mock server', () => {
  it('three sessions answer side by side on three sockets; a fourth turn waits for a free one', async () => {
    server = await startMockServer({ script: Array(4).fill({ kind: 'text', text: 'The answer, streamed slowly.' }), tokenDelayMs: 15 });
    client = createSmoothClient({ url: server.url, pool: connectionPool({ maxConnections: 3 }) });
    const sessions = await Promise.all([1, 2, 3, 4].map((n) => firstValueFrom(client!.createSession({ agentId: 'support', userName: `user ${n}` }))));
    let running = 0;
    let most = 0;
    const counted = (turn$: ReturnType<SmoothClient['turn']>) =>
      turn$.pipe(
        tap((e) => (e.type === 'immediate_response' && e.status === 202 ? (most = Math.max(most, ++running)) : undefined)),
        finalize(() => running--),
      );
    const answers = await Promise.all(sessions.map((s) => answerOf(counted(client!.turn({ sessionId: s.sessionId, message: 'hello' })))));
    expect(answers).toEqual(Array(4).fill('The answer, streamed slowly.'));
    expect(server.connectionCount()).toBe(3);
    // Every socket ran a turn; one ran two (the fourth waited instead of being refused).
    expect(turnsPerConnection()).toEqual([1, 1, 2]);
    // Side by side: three turns were accepted and running at once, never four.
    expect(most).toBe(3);
  });

  it("a session's own turns run one at a time, even with a free socket", async () => {
    server = await startMockServer({ script: [{ kind: 'text', text: 'one, streamed' }, { kind: 'text', text: 'two, streamed' }], tokenDelayMs: 5 });
    client = createSmoothClient({ url: server.url, pool: connectionPool({ maxConnections: 2 }) });
    const { sessionId } = await firstValueFrom(client.createSession({ agentId: 'support' }));
    const order: string[] = [];
    await Promise.all(['a', 'b'].map((message) => lastValueFrom(client!.turn({ sessionId, message }).pipe(tap((e: TurnEvent) => order.push(`${message} ${e.type}`)), toArray()))));
    // b's first event comes after a's last: never interleaved.
    expect(order.findIndex((line) => line.startsWith('b'))).toBe(order.lastIndexOf('a eventual_response') + 1);
    expect(order.at(-1)).toBe('b eventual_response');
  });

  it('dropped sockets fail the turns on them; the pool reconnects and the sessions go on', async () => {
    server = await startMockServer({ script: Array(4).fill({ kind: 'text', text: 'a long answer that streams for a while' }), tokenDelayMs: 20 });
    client = createSmoothClient({ url: server.url, pool: connectionPool({ maxConnections: 2 }), retryBaseDelayMs: 10 });
    const [a, b] = await Promise.all([1, 2].map(() => firstValueFrom(client!.createSession({ agentId: 'support' }))));
    const first = answerOf(client.turn({ sessionId: a!.sessionId, message: 'one' })).catch((err: unknown) => err);
    const second = answerOf(client.turn({ sessionId: b!.sessionId, message: 'two' })).catch((err: unknown) => err);
    await new Promise((resolve) => setTimeout(resolve, 60));
    server.dropConnections();
    const outcomes = await Promise.all([first, second]);
    for (const outcome of outcomes) expect(outcome).toBeInstanceOf(SmoothConnectionLostError);
    // Sessions are not bound to a socket: both go on over the pool's new sockets.
    const again = await Promise.all([a, b].map((s) => answerOf(client!.turn({ sessionId: s!.sessionId, message: 'again' }))));
    expect(again).toEqual(['a long answer that streams for a while', 'a long answer that streams for a while']);
  });
});
