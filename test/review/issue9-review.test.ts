/**
 * Fresh-eyes review of the resilience work (issue 9). Each test states a finding: each failed
 * against the code as reviewed (written as `it.failing` first) and passes since its fix.
 */
import { readFileSync } from 'node:fs';
import { filter, firstValueFrom, lastValueFrom, timeout } from 'rxjs';
import { createSmoothClient } from '../../src/index.js';
import { startMockServer } from '../../src/testing/mock-server/index.js';
import type { ClientAction } from '../../src/generated/types.js';
import { SmoothSessionClosedError } from '../../src/errors.js';
import { ok, session as sessionFrame } from '../fixtures/events.js';
import { kit, quietly, watch } from '../client/supervisor/kit.js';

const handle = { agentId: 'support', userName: 'Alice' };
const messages = (sent: ClientAction[]) => sent.filter((a) => a.action === 'send_message');

/** A server that mints sess-1, sess-2, … (one per create) in one conversation, and acks turns without ending them. */
function mintingSessions(k: ReturnType<typeof kit>): void {
  let minted = 0;
  k.server.script = (action) => (action.action === 'create_conversation_session' ? [ok(action.requestId, sessionFrame(`sess-${++minted}`, 'conv-1'))] : undefined);
}

describe('issue 9 review', () => {
  // Finding 1: session.cancel() does not see a turn that waits for its session (first use, or
  // the resume after a reconnect): it returns false and the turn is sent anyway once the session
  // exists. A Stop button pressed while "reconnecting…" is ignored.
  it('session.cancel() stops a turn still waiting for its session to be created or resumed', () => {
    const k = kit();
    const session = k.client.session(handle);
    const turn = watch(session.turn('hi'));
    k.clock.advance(1);
    expect(session.cancel()).toBe(true);
    k.socket(0).open();
    k.clock.advance(10);
    expect(messages(k.sockets.sent)).toEqual([]);
    expect(turn.completed || turn.error !== undefined).toBe(true);
  });

  // Finding 1b: the same after a reconnect, the case a Stop button meets most: the turn waits for
  // the resume (create_conversation_session with the conversationId) and cancel() misses it.
  it('session.cancel() stops a turn waiting for the resume after a reconnect', () => {
    const k = kit({ retryBaseDelayMs: 10, retryMaxDelayMs: 10 });
    mintingSessions(k);
    const session = k.client.session(handle);
    watch(session.open());
    k.clock.advance(1);
    k.socket(0).open();
    k.clock.advance(5);
    k.socket(0).fail();
    k.clock.advance(20);
    const turn = watch(session.turn('hi'));
    expect(session.cancel()).toBe(true);
    k.socket(1).open();
    k.clock.advance(10);
    expect(messages(k.socket(1).sent)).toEqual([]);
    expect(turn.completed || turn.error !== undefined).toBe(true);
  });

  // Finding 2: session.close() while a turn waits for its session: the create's reply still
  // starts the turn, on a handle that is closed (and no longer holds the connection).
  it('session.close() while a turn waits for its session: the turn is never sent', () => {
    const k = kit();
    const session = k.client.session(handle);
    const turn = watch(session.turn('hi'));
    k.clock.advance(1);
    session.close();
    k.socket(0).open();
    k.clock.advance(10);
    expect(messages(k.sockets.sent)).toEqual([]);
    // Either outcome is defensible; running the turn is not.
    expect(turn.completed || turn.error instanceof SmoothSessionClosedError).toBe(true);
  });

  // Finding 3: a turn abandoned (unsubscribed) while its send_message still waits in the outbox is
  // sent anyway when the socket opens, followed by a cancel: the server starts (and may run a tool
  // for) a message the user withdrew before it ever left the client.
  it('an abandoned turn whose send_message never left the outbox is not sent', () => {
    const k = kit();
    const subscription = k.client.turn({ sessionId: 'sess-1', message: 'delete everything' }).subscribe(quietly);
    k.clock.advance(1);
    subscription.unsubscribe();
    k.socket(0).open();
    k.clock.advance(10);
    expect(k.sentOn(0)).toEqual([]);
  });

  // Finding 3b: the same through the turn timeout: the caller got TURN_TIMEOUT while the frame
  // waited for a reconnect, and the message still goes out (then a cancel) when the socket opens.
  it('a turn that timed out while waiting in the outbox is not sent when the socket finally opens', () => {
    const k = kit({ turnTimeoutMs: 1_000, connectTimeoutMs: 0 });
    const turn = watch(k.client.turn({ sessionId: 'sess-1', message: 'delete everything' }));
    k.clock.advance(1_500);
    expect(turn.error).toMatchObject({ code: 'TURN_TIMEOUT' });
    k.socket(0).open();
    k.clock.advance(10);
    expect(k.sentOn(0)).toEqual([]);
  });

  // Finding 4: a session-handle turn queued behind another turn of the same session keeps the
  // sessionId it was given at subscription. When the connection drops, the running turn fails,
  // and the queued one starts on the new socket with the pre-drop sessionId instead of the
  // resumed session's (a restarted server answers SESSION_NOT_FOUND).
  it('a session turn queued when the connection drops runs on the resumed session, not the stale sessionId', () => {
    const k = kit({ retryBaseDelayMs: 10, retryMaxDelayMs: 10 });
    mintingSessions(k);
    const session = k.client.session(handle);
    const first = watch(session.turn('one'));
    watch(session.turn('two'));
    k.clock.advance(1);
    k.socket(0).open();
    k.clock.advance(5);
    expect(messages(k.socket(0).sent).map((a) => a.sessionId)).toEqual(['sess-1']);
    k.socket(0).fail();
    expect(first.error).toMatchObject({ code: 'CONNECTION_ERROR' });
    k.clock.advance(20);
    k.socket(1).open();
    k.clock.advance(5);
    const second = messages(k.socket(1).sent);
    expect(second).toHaveLength(1);
    expect(second[0]?.sessionId).not.toBe('sess-1');
  });

  // Finding 5: client.close() after the socket was closed as idle (or lost) leaves state$ on the
  // previous `closed` (why `idle`): setState drops a closed→closed change, so `why: 'client'` is never told.
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

  // Finding 6: the retry budget (and the back-off) restarts after any socket that opened and
  // received a frame, whatever the frame. A server that sends one frame (here not even JSON) and
  // closes, on every socket, is reconnected to for ever at the first attempt's delay (at most
  // retryBaseDelayMs): retryAttempts never bounds it and the back-off never grows.
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

  // Finding 7 (docs): the README's Options table ("every option with its default", issue 9's
  // done-when) has no row for an option of SmoothClientOptions: `maxConnections`.
  it('the README Options table has a row for every option of SmoothClientOptions', () => {
    const options = readFileSync(new URL('../../src/client/options.ts', import.meta.url), 'utf8');
    const body = options.slice(options.indexOf('export interface SmoothClientOptions'), options.indexOf('export interface ResolvedOptions'));
    const names = [...body.matchAll(/^ {2}([a-zA-Z]+)\??:/gm)].map((m) => m[1]);
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const table = readme.slice(readme.indexOf('### Options'), readme.indexOf('## Operators'));
    expect(names.length).toBeGreaterThan(15);
    expect(names.filter((name) => !table.includes(`| \`${name}\` |`))).toEqual([]);
  });

  // Finding 8: a socket the heartbeat declared dead (half-open) is closed with a close handshake
  // (4000) rather than torn down: `ws` then waits its 30 s closing timeout for a close frame that
  // cannot come, so the dead TCP socket stays an active handle for 30 s after each detection,
  // and after client.close() the process cannot exit by itself until then.
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
