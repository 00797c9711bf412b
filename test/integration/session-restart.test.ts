/**
 * Session handles across a real server restart (`server.faults.restart()`: every socket closed,
 * every session forgotten, conversations kept): a turn that waited for a socket goes out on a
 * resumed session, with one connection and through a pool.
 */
import { lastValueFrom, timeout, toArray } from 'rxjs';
import { connectionPool, createSmoothClient, type SmoothClient, type SmoothError, type TurnEvent } from '../../src/index.js';
import { startMockServer, type MockServer } from '../../src/testing/mock-server/index.js';

const text = (t: string) => ({ kind: 'text' as const, text: t });

let server: MockServer;
let client: SmoothClient;
afterEach(async () => {
  client.close();
  await server.close();
});

const outcome = (turn$: ReturnType<SmoothClient['turn']>): Promise<string> =>
  lastValueFrom(turn$.pipe(toArray(), timeout(10_000))).then(
    (events: TurnEvent[]) => (events.some((e) => e.type === 'eventual_response') ? 'answered' : 'ended'),
    (err: SmoothError) => err.code,
  );

describe.each([
  ['one connection, no pool', undefined, 8],
  ['a pool of 4', 4, 40],
])('handles whose turns wait through a restart (%s)', (_, maxConnections, handles) => {
  it('every waiting turn resumes its session first: none fails SESSION_NOT_FOUND', async () => {
    // Slow tokens keep the first turns running while the others wait for a socket.
    server = await startMockServer({ script: Array.from({ length: handles * 2 }, (_, i) => text(`answer ${i} with a few words`)), tokenDelayMs: 40 });
    client = createSmoothClient({ url: server.url, ...(maxConnections !== undefined ? { pool: connectionPool({ maxConnections }) } : {}), retryBaseDelayMs: 10, retryMaxDelayMs: 40, requestTimeoutMs: 5000 });
    const sessions = Array.from({ length: handles }, (_, i) => client.session({ agentId: 'support', userName: `user-${i}` }));
    await Promise.all(sessions.map((s) => lastValueFrom(s.open())));
    const outcomes = sessions.map((s, i) => outcome(s.turn(`question ${i}`)));
    // The running turns hold every socket; the rest wait.
    await new Promise((resolve) => setTimeout(resolve, 60));
    await server.faults.restart();
    const results = await Promise.all(outcomes);
    expect(results.filter((r) => r === 'SESSION_NOT_FOUND')).toEqual([]);
    // The turns that were running died with their sockets; every other one was answered.
    const lost = results.filter((r) => r === 'CONNECTION_CLOSED' || r === 'CONNECTION_ERROR').length;
    expect(lost).toBeGreaterThanOrEqual(1);
    expect(lost).toBeLessThanOrEqual(maxConnections ?? 1);
    expect(results.filter((r) => r === 'answered')).toHaveLength(handles - lost);
  });
});
