import { Subscription, take, toArray } from 'rxjs';
import type { ConnectionState } from '../../src/client/connection.js';
import type { ClientAction, Session } from '../../src/generated/types.js';
import { SmoothConnectionLostError, SmoothError } from '../../src/errors.js';
import { acceptedFrame, cancelledFrame, errorFrame, eventualFrame, immediateFrame, messagesPageData, sessionData, tokenFrame, writeConfirmationFrame } from '../../src/testing/frames.js';
import type { TurnEvent } from '../../src/turn/turn-event.js';
import { harness, type Script, testScheduler } from './harness.js';

/** A server that mints session s1, s2, … in one conversation, answers turns with two tokens, and pages history. */
function server(overrides: (action: ClientAction) => ReturnType<Script> = () => undefined): Script {
  let sessions = 0;
  return (action, socket) => {
    const custom = overrides(action);
    if (custom !== undefined) return custom;
    switch (action.action) {
      case 'create_conversation_session':
        sessions++;
        return [[1, immediateFrame(action.requestId, 200, 'ok', { ...sessionData({ sessionId: `s${sessions}`, conversationId: action.conversationId ?? 'c1' }) })]];
      case 'send_message':
        return [
          [1, acceptedFrame(action.requestId)],
          [2, tokenFrame(action.requestId, 'Hel')],
          [3, tokenFrame(action.requestId, 'lo')],
          [4, eventualFrame(action.requestId, `on ${action.sessionId}`)],
        ];
      case 'cancel':
        return [[1, cancelledFrame(action.requestId ?? '')]];
      case 'get_conversation_messages': {
        const second = action.cursor === 'p2';
        const messages = [{ id: second ? 'm1' : 'm2', direction: 'inbound', content: { text: second ? 'older' : 'newer' } }];
        return [[1, immediateFrame(action.requestId, 200, 'ok', { ...messagesPageData({ messages, hasMore: !second, nextCursor: second ? null : 'p2' }) })]];
      }
      default:
        void socket;
        return undefined;
    }
  };
}

const answerOf = (e: TurnEvent) => (e.type === 'eventual_response' ? String(e.data.data.response.responseParts[0]) : '');

const options = { agentId: 'support', userName: 'Alice', supports: ['identity_form'] };
const creates = (sent: ClientAction[]) => sent.filter((a) => a.action === 'create_conversation_session');

describe('client.session()', () => {
  it('creates its session on first use, once, and runs every turn on it', () => {
    const h = harness(server());
    const session = h.client.session(options);
    const infos: string[] = [];
    const ends: string[] = [];
    testScheduler().run(({ flush }) => {
      session.info$.subscribe((s) => infos.push(s.sessionId));
      flush();
      expect(h.sockets.all).toHaveLength(0);
      // Two turns at once share one create_conversation_session.
      for (const message of ['one', 'two']) session.turn(message).subscribe((e) => (e.type === 'eventual_response' ? ends.push(answerOf(e)) : undefined));
      flush();
    });
    expect(creates(h.sockets.sent)).toHaveLength(1);
    expect(creates(h.sockets.sent)[0]).toMatchObject({ agentId: 'support', userName: 'Alice', supports: ['identity_form'] });
    expect(infos).toEqual(['s1']);
    expect(ends).toEqual(['on s1', 'on s1']);
    expect(session.info?.sessionId).toBe('s1');
    expect(session.conversationId).toBe('c1');
  });

  it('after a lost connection: the running turn errors retryable, the next turn resumes the conversation on a new sessionId', () => {
    const h = harness(server((a) => (a.action === 'send_message' && a.message === 'dropped' ? [[1, acceptedFrame(a.requestId)]] : undefined)), { retryBaseDelayMs: 10, turnTimeoutMs: 0 });
    const session = h.client.session(options);
    const infos: Session[] = [];
    const outcomes: string[] = [];
    let lost: unknown;
    testScheduler().run(({ flush }) => {
      session.info$.subscribe((s) => infos.push(s));
      session.turn('dropped').subscribe({ error: (err) => (lost = err) });
      flush();
      h.sockets.current.fail();
      flush();
      session.turn('again').subscribe({ next: (e) => (e.type === 'eventual_response' ? outcomes.push(answerOf(e)) : undefined), complete: () => outcomes.push('done') });
      flush();
    });
    expect(lost).toBeInstanceOf(SmoothConnectionLostError);
    expect((lost as SmoothConnectionLostError).retryable).toBe(true);
    // Never re-sent by itself: one send_message per subscription.
    expect(h.sockets.sent.filter((a) => a.action === 'send_message').map((a) => (a as { message: string }).message)).toEqual(['dropped', 'again']);
    const [first, resume] = creates(h.sockets.sent);
    expect(first).not.toHaveProperty('conversationId');
    // The resume names the conversation and declares supports again.
    expect(resume).toMatchObject({ conversationId: 'c1', supports: ['identity_form'] });
    expect(infos.map((s) => s.sessionId)).toEqual(['s1', 's2']);
    expect(outcomes).toEqual(['on s2', 'done']);
    expect(h.sockets.all).toHaveLength(2);
  });

  it('a conversationId given in the options is resumed from the start', () => {
    const h = harness(server());
    const session = h.client.session({ ...options, conversationId: 'c-old' });
    testScheduler().run(({ flush }) => {
      session.open().subscribe();
      flush();
    });
    expect(creates(h.sockets.sent)[0]).toMatchObject({ conversationId: 'c-old' });
    expect(session.info).toMatchObject({ sessionId: 's1', conversationId: 'c-old' });
  });

  it('cancel() stops the running turn without its subscription, and a queued one at once', () => {
    const h = harness(server((a) => (a.action === 'send_message' && a.message === 'long' ? [[1, acceptedFrame(a.requestId)], [2, tokenFrame(a.requestId, 'Wor')]] : undefined)), { turnTimeoutMs: 0 });
    const session = h.client.session(options);
    const log: string[] = [];
    const record = (name: string) => ({
      next: (e: TurnEvent) => log.push(`${name} ${e.type}`),
      complete: () => log.push(`${name} complete`),
      error: (err: SmoothError) => log.push(`${name} ${err.code}`),
    });
    testScheduler().run(({ flush }) => {
      expect(session.cancel()).toBe(false);
      session.turn('long').subscribe(record('long'));
      session.turn('queued').subscribe(record('queued'));
      flush();
      expect(session.cancel()).toBe(true);
      flush();
    });
    const cancel = h.sockets.sent.find((a) => a.action === 'cancel');
    const long = h.sockets.sent.find((a) => a.action === 'send_message');
    expect(cancel).toMatchObject({ requestId: long?.requestId, sessionId: 's1' });
    expect(log).toEqual(['long immediate_response', 'long stream_token', 'queued complete', 'long cancelled', 'long complete']);
    expect(h.sockets.sent.filter((a) => a.action === 'send_message')).toHaveLength(1);
    expect(session.cancel()).toBe(false);
  });

  it('cancel() also stops a turn parked on a write confirmation', () => {
    const h = harness(server((a) => (a.action === 'send_message' ? [[1, acceptedFrame(a.requestId)], [2, writeConfirmationFrame(a.requestId, 'refund')]] : undefined)));
    const session = h.client.session(options);
    const log: string[] = [];
    testScheduler().run(({ flush }) => {
      session.turn('refund me').subscribe({ next: (e) => log.push(e.type), complete: () => log.push('complete') });
      flush();
      session.cancel();
      flush();
    });
    expect(log).toEqual(['immediate_response', 'write_confirmation_required', 'cancelled', 'complete']);
  });

  it('history() walks the conversation page by page on the current session', () => {
    const h = harness(server());
    const session = h.client.session(options);
    let contents: string[] = [];
    testScheduler().run(({ flush }) => {
      session.history({ pageSize: 1 }).pipe(toArray()).subscribe((messages) => (contents = messages.map((m) => m.content.text ?? '')));
      flush();
    });
    expect(contents).toEqual(['newer', 'older']);
    const pages = h.sockets.sent.filter((a) => a.action === 'get_conversation_messages');
    expect(pages).toEqual([expect.objectContaining({ sessionId: 's1', limit: 1 }), expect.objectContaining({ sessionId: 's1', limit: 1, cursor: 'p2' })]);
  });

  it('a history walk that outlives a reconnect fetches its next page on the resumed session', () => {
    const h = harness(server(), { retryBaseDelayMs: 10 });
    const session = h.client.session(options);
    const contents: string[] = [];
    testScheduler().run(({ flush }) => {
      // The socket drops as the first page's message is taken, before the second page is asked for.
      session.history({ pageSize: 1 }).subscribe((m) => {
        contents.push(m.content.text ?? '');
        if (contents.length === 1) h.sockets.current.fail();
      });
      flush();
    });
    expect(contents).toEqual(['newer', 'older']);
    const lastPage = h.sockets.sent.filter((a) => a.action === 'get_conversation_messages').at(-1);
    // The second page went on the resumed session (s2), not the one the walk started on.
    expect(lastPage).toMatchObject({ cursor: 'p2', sessionId: 's2' });
  });

  it('a failed create errors the use, and the next use tries again', () => {
    let refuse = true;
    const h = harness(server((a) => (a.action === 'create_conversation_session' && refuse ? [[1, errorFrame(a.requestId, 'AGENT_NOT_FOUND')]] : undefined)));
    const session = h.client.session(options);
    const outcomes: string[] = [];
    testScheduler().run(({ flush }) => {
      session.turn('hi').subscribe({ error: (err: SmoothError) => outcomes.push(err.code) });
      flush();
      refuse = false;
      session.open().subscribe((s) => outcomes.push(s.sessionId));
      flush();
    });
    expect(outcomes).toEqual(['AGENT_NOT_FOUND', 's1']);
  });

  it('holds the connection while open: reconnects with nothing in flight, never closes it as idle; close() releases it', () => {
    const h = harness(server(), { lazyCloseTimeoutMs: 100, retryBaseDelayMs: 10 });
    const session = h.client.session(options);
    const states: ConnectionState['status'][] = [];
    let infoDone = false;
    testScheduler().run(({ flush }) => {
      h.client.state$.subscribe((s) => states.push(s.status));
      session.info$.subscribe({ complete: () => (infoDone = true) });
      session.open().subscribe();
      flush();
      h.sockets.current.serverClose(1012, 'restart');
      flush();
      expect(states.slice(-2)).toEqual(['connecting', 'open']);
      expect(h.sockets.all).toHaveLength(2);
      session.close();
      flush();
    });
    expect(states).toEqual(['idle', 'connecting', 'open', 'reconnecting', 'connecting', 'open', 'closed']);
    expect(infoDone).toBe(true);
  });

  it('after close(): uses error with SESSION_CLOSED and running turns are stopped', () => {
    const h = harness(server((a) => (a.action === 'send_message' ? [[1, acceptedFrame(a.requestId)]] : undefined)), { turnTimeoutMs: 0 });
    const session = h.client.session(options);
    const log: string[] = [];
    testScheduler().run(({ flush }) => {
      session.turn('hi').subscribe({ next: (e) => log.push(e.type), complete: () => log.push('complete') });
      flush();
      session.close();
      session.close();
      flush();
      session.turn('again').subscribe({ error: (err: SmoothError) => log.push(err.code) });
      session.history().subscribe({ error: (err: SmoothError) => log.push(err.code) });
    });
    expect(log).toEqual(['immediate_response', 'cancelled', 'complete', 'SESSION_CLOSED', 'SESSION_CLOSED']);
  });

  it('unsubscribing from a turn before its session exists sends no turn', () => {
    const h = harness(server());
    const session = h.client.session(options);
    testScheduler().run(({ flush }) => {
      const subscription = new Subscription();
      subscription.add(session.turn('never').pipe(take(1)).subscribe());
      subscription.unsubscribe();
      flush();
    });
    expect(h.sockets.sent.filter((a) => a.action === 'send_message')).toHaveLength(0);
  });
});
