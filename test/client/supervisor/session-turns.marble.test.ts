/**
 * A session handle's turns while the session is being created or resumed (first use, after a
 * reconnect): stopped by `cancel()` or `close()` before they are sent, and run on the resumed
 * session, never on the stale sessionId.
 */
import type { ClientAction } from '../../../src/generated/types.js';
import { ok, session as sessionFrame } from '../../fixtures/events.js';
import { kit, watch } from './kit.js';

const handle = { agentId: 'support', userName: 'Alice' };
const messages = (sent: ClientAction[]) => sent.filter((a) => a.action === 'send_message');

/** A server that mints sess-1, sess-2, … (one per create) in one conversation, and acks turns without ending them. */
function mintingSessions(k: ReturnType<typeof kit>): void {
  let minted = 0;
  k.server.script = (action) => (action.action === 'create_conversation_session' ? [ok(action.requestId, sessionFrame(`sess-${++minted}`, 'conv-1'))] : undefined);
}

describe('a session turn waiting for its session', () => {
  // A Stop button pressed while the session is being created must stop the turn waiting for it.
  it('session.cancel() stops a turn still waiting for its session to be created or resumed', () => {
    const k = kit();
    const session = k.client.session(handle);
    const turn = watch(session.turn('hi'));
    k.clock.advance(1);
    expect(session.cancel()).toBe(true);
    k.socket(0).open();
    k.clock.advance(10);
    expect(messages(k.sockets.sent)).toEqual([]);
    expect(turn).toMatchObject({ completed: true, error: undefined });
  });

  // The same after a reconnect, the case a Stop button meets most: the turn waits for the resume
  // (create_conversation_session with the conversationId).
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
    expect(turn).toMatchObject({ completed: true, error: undefined });
  });

  // A closed handle no longer holds the connection: the create's reply must not start its turn.
  it('session.close() while a turn waits for its session: the turn is never sent', () => {
    const k = kit();
    const session = k.client.session(handle);
    const turn = watch(session.turn('hi'));
    k.clock.advance(1);
    session.close();
    k.socket(0).open();
    k.clock.advance(10);
    expect(messages(k.sockets.sent)).toEqual([]);
    // Never sent, it completes quietly.
    expect(turn).toMatchObject({ completed: true, error: undefined });
  });

  // A turn queued behind another of the same session starts after the drop on the new socket: with
  // the resumed session's id, not the one it was given at subscription (a restarted server
  // answers SESSION_NOT_FOUND to that).
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
});
