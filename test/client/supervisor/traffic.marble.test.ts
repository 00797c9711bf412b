/**
 * What the supervisor does with traffic while the socket is not there: the outbox, what survives a
 * drop, and url/token functions evaluated per attempt.
 */
import { EMPTY, Subject, of, retry, throwError } from 'rxjs';
import { SmoothConnectionError, SmoothConnectionLostError } from '../../../src/errors.js';
import { writeConfirmation } from '../../fixtures/events.js';
import { kit, quietly, watch } from './kit.js';

describe('outbox', () => {
  it('past maxQueuedActions a send fails at once with OUTBOX_FULL; the queued ones are sent in order on open', () => {
    const k = kit({ maxQueuedActions: 3 });
    const queued = [watch(k.client.getSession('a')), watch(k.client.listConversations()), watch(k.client.ping())];
    const full = watch(k.client.getSession('d'));
    expect(full.error).toBeInstanceOf(SmoothConnectionError);
    expect(full.error).toMatchObject({ code: 'OUTBOX_FULL' });
    k.socket(0).open();
    expect(k.sentOn(0)).toEqual(['get_session', 'list_conversations', 'ping']);
    k.clock.advance(10);
    expect(queued.map((o) => o.values.length)).toEqual([1, 1, 1]);
  });

  it('maxQueuedActions: 0 still connects: the action that opens the socket waits for it, nothing waits behind it', () => {
    const k = kit({ maxQueuedActions: 0 });
    const first = watch(k.client.getSession('a'));
    const behind = watch(k.client.getSession('b'));
    expect(behind.error).toMatchObject({ code: 'OUTBOX_FULL' });
    k.socket(0).open();
    k.clock.advance(1);
    expect(first.values).toHaveLength(1);
    // Open: nothing waits, so nothing is refused.
    const later = watch(k.client.getSession('c'));
    k.clock.advance(1);
    expect(later.values).toHaveLength(1);
  });

  it('a frame sent by a state$ subscriber as the socket opens goes after the queued ones', () => {
    const k = kit();
    k.client.state$.subscribe((state) => {
      if (state.status === 'open') k.client.ping().subscribe(quietly);
    });
    k.client.getSession('a').subscribe(quietly);
    k.client.listConversations().subscribe(quietly);
    k.socket(0).open();
    expect(k.sentOn(0)).toEqual(['get_session', 'list_conversations', 'ping']);
  });

  it('a request that times out or is unsubscribed while queued is never sent', () => {
    const k = kit({ requestTimeoutMs: 1000 });
    const early = watch(k.client.getSession('early'));
    k.clock.advance(500);
    const dropped = k.client.getSession('dropped').subscribe(quietly);
    k.client.listConversations().subscribe(quietly);
    dropped.unsubscribe();
    k.clock.advance(500);
    expect(early.error).toMatchObject({ code: 'REQUEST_TIMEOUT' });
    k.socket(0).open();
    expect(k.sentOn(0)).toEqual(['list_conversations']);
  });

  it('a failed attempt keeps the queue for the next one', () => {
    const k = kit({ retryBaseDelayMs: 0 });
    const turn = watch(k.client.turn({ sessionId: 's', message: 'hi' }));
    k.client.createSession({ agentId: 'a' }).subscribe(quietly);
    k.socket(0).fail();
    k.clock.advance(0);
    k.socket(1).fail();
    k.clock.advance(0);
    k.socket(2).open();
    expect(k.sentOn(2)).toEqual(['send_message', 'create_conversation_session']);
    k.clock.advance(1);
    expect(turn.values.map((e) => e.type)).toEqual(['immediate_response']);
  });
});

describe('across a drop', () => {
  /** A client with an open socket on which a turn is parked on a write confirmation and requests wait unanswered. */
  function inFlight() {
    const k = kit({ retryBaseDelayMs: 0 });
    k.server.script = (action) => (action.action === 'send_message' ? undefined : []);
    const turn = watch(k.client.turn({ sessionId: 's', message: 'delete it' }));
    const waiting = {
      session: watch(k.client.getSession('s')),
      messages: watch(k.client.getMessages({ sessionId: 's' })),
      list: watch(k.client.listConversations()),
      ping: watch(k.client.ping()),
      create: watch(k.client.createSession({ agentId: 'a' })),
    };
    k.socket(0).open();
    k.clock.advance(1);
    const turnId = k.socket(0).sent[0]?.requestId ?? '';
    k.socket(0).receive(writeConfirmation(turnId, 'delete_record'));
    k.server.script = undefined;
    return { k, turn, waiting };
  }

  it('a parked turn errors with a retryable SmoothConnectionLostError carrying its ask, and is not re-sent', () => {
    const { k, turn } = inFlight();
    k.socket(0).fail();
    expect(turn.error).toBeInstanceOf(SmoothConnectionLostError);
    expect(turn.error).toMatchObject({ code: 'CONNECTION_ERROR', retryable: true, pendingAsk: { type: 'write_confirmation_required' } });
    k.clock.advance(0);
    k.socket(1).open();
    expect(k.sentOn(1)).not.toContain('send_message');
  });

  it('a running turn (not parked) errors with the close code and no pending ask', () => {
    const k = kit({ retryAttempts: 0 });
    const turn = watch(k.client.turn({ sessionId: 's', message: 'hi' }));
    k.socket(0).open();
    k.clock.advance(1);
    k.socket(0).serverClose(1001, 'going away');
    expect(turn.error).toBeInstanceOf(SmoothConnectionLostError);
    expect(turn.error).toMatchObject({ code: 'CONNECTION_CLOSED', closeCode: 1001, pendingAsk: undefined });
  });

  it('idempotent requests are re-sent on the new socket and answered there; create_conversation_session fails', () => {
    const { k, waiting } = inFlight();
    k.socket(0).fail();
    expect(waiting.create.error).toBeInstanceOf(SmoothConnectionLostError);
    k.clock.advance(0);
    k.socket(1).open();
    expect(k.sentOn(1).sort()).toEqual(['get_conversation_messages', 'get_session', 'list_conversations', 'ping']);
    // Re-sent under the same requestIds: the answers find their callers.
    const first = new Set(k.socket(0).sent.map((a) => a.requestId));
    expect(k.socket(1).sent.every((a) => first.has(a.requestId))).toBe(true);
    k.clock.advance(1);
    expect([waiting.session, waiting.messages, waiting.list, waiting.ping].map((o) => [o.values.length, o.completed, o.error])).toEqual(Array(4).fill([1, true, undefined]));
  });
  it('a turn queued behind the lost one starts on the next socket, once', () => {
    const k = kit({ retryBaseDelayMs: 100 });
    const first = watch(k.client.turn({ sessionId: 's', message: 'one' }));
    const second = watch(k.client.turn({ sessionId: 's', message: 'two' }));
    k.socket(0).open();
    k.clock.advance(1);
    k.socket(0).fail();
    expect(first.error).toBeInstanceOf(SmoothConnectionLostError);
    k.clock.advance(1000);
    expect(k.sockets.all).toHaveLength(2);
    k.socket(1).open();
    k.clock.advance(1);
    expect(k.sentOn(1)).toEqual(['send_message']);
    expect(k.socket(1).sent[0]).toMatchObject({ message: 'two' });
    expect(second.values.map((e) => e.type)).toEqual(['immediate_response']);
    k.clock.advance(60_000);
    expect(k.sockets.all).toHaveLength(2);
  });

  it('a caller that starts again from its error handler (retry) is sent once on the next socket', () => {
    const k = kit({ retryBaseDelayMs: 100 });
    k.server.silent = true;
    const created = watch(k.client.createSession({ agentId: 'a' }).pipe(retry({ count: 1 })));
    k.client.getSession('keeps-it-needed').subscribe(quietly);
    k.socket(0).open();
    k.clock.advance(1);
    k.server.silent = false;
    k.socket(0).fail();
    expect(k.state()).toBe('reconnecting');
    k.clock.advance(1000);
    expect(k.sockets.all).toHaveLength(2);
    k.socket(1).open();
    expect(k.sentOn(1).sort()).toEqual(['create_conversation_session', 'get_session']);
    k.clock.advance(1);
    expect(created.values).toHaveLength(1);
    k.clock.advance(60_000);
    expect(k.sockets.all).toHaveLength(2);
  });
});

describe('url and token functions', () => {
  it('are evaluated on every attempt: a refreshed token reaches the next socket', () => {
    let n = 0;
    let u = 0;
    const k = kit({ url: () => `ws://test/ws?n=${++u}`, token: () => `tok-${++n}`, retryBaseDelayMs: 0 });
    k.client.getSession('s').subscribe(quietly);
    k.socket(0).fail();
    k.clock.advance(0);
    expect(k.sockets.all.map((s) => new URL(s.url).searchParams.get('token'))).toEqual(['tok-1', 'tok-2']);
    expect(k.sockets.all.map((s) => new URL(s.url).searchParams.get('n'))).toEqual(['1', '2']);
  });

  it('a Promise is awaited per attempt', async () => {
    let n = 0;
    const k = kit({ token: () => Promise.resolve(`p-${++n}`), retryBaseDelayMs: 0 });
    k.client.getSession('s').subscribe(quietly);
    expect(k.sockets.all).toHaveLength(0);
    await Promise.resolve();
    await Promise.resolve();
    expect(k.sockets.all).toHaveLength(1);
    k.socket(0).fail();
    k.clock.advance(0);
    await Promise.resolve();
    await Promise.resolve();
    expect(k.sockets.all.map((s) => new URL(s.url).searchParams.get('token'))).toEqual(['p-1', 'p-2']);
  });

  it('an Observable: its first value is used; one that never answers is a handshake timeout', () => {
    const tokens = new Subject<string>();
    const k = kit({ token: () => tokens, connectTimeoutMs: 1000, retryBaseDelayMs: 0 });
    k.client.getSession('s').subscribe(quietly);
    k.clock.advance(1000);
    expect(k.sockets.all).toHaveLength(0);
    expect(k.states.find((s) => s.status === 'reconnecting')).toMatchObject({ reason: 'no handshake within 1000 ms' });
    tokens.next('o-1');
    tokens.next('o-2');
    expect(k.sockets.all.map((s) => new URL(s.url).searchParams.get('token'))).toEqual(['o-1']);
  });

  it.each([
    ['throws', () => { throw new Error('refresh failed'); }, 'url or token: refresh failed'],
    ['rejects', () => Promise.reject(new Error('refresh failed')), 'url or token: refresh failed'],
    ['errors', () => throwError(() => new Error('refresh failed')), 'url or token: refresh failed'],
    ['completes empty', () => EMPTY, 'url or token: completed without a value'],
  ] as const)('a token function that %s fails the attempt, which is retried', async (_, failing, reason) => {
    let calls = 0;
    const k = kit({ token: () => (++calls === 1 ? (failing as () => never)() : of('good')), retryBaseDelayMs: 0 });
    const get = watch(k.client.getSession('s'));
    for (let i = 0; i < 3; i++) await Promise.resolve();
    expect(k.states.find((s) => s.status === 'reconnecting')).toMatchObject({ closeCode: undefined, reason });
    k.clock.advance(0);
    expect(k.sockets.all).toHaveLength(1);
    k.socket(0).open();
    k.clock.advance(1);
    expect(get.values).toHaveLength(1);
  });

  it('an invalid URL from a function is fatal: INVALID_URL for what waits, the token redacted', () => {
    const k = kit({ url: () => 'not a url ?token=hunter2', token: () => 'hunter2' });
    const get = watch(k.client.getSession('s'));
    expect(k.story().at(-1)).toBe('closed fatal');
    expect(get.error).toBeInstanceOf(SmoothConnectionError);
    expect(get.error).toMatchObject({ code: 'INVALID_URL' });
    expect(JSON.stringify({ states: k.states, message: (get.error as Error).message })).not.toContain('hunter2');
    k.clock.advance(120_000);
    expect(k.sockets.all).toHaveLength(0);
  });

  it('the token never appears in a state, an error or a diagnostic', () => {
    const secret = 's3cr/t+';
    const k = kit({ token: () => secret, retryBaseDelayMs: 0, retryAttempts: 1 });
    k.client.diagnostics$.subscribe(quietly);
    const get = watch(k.client.getSession('s'));
    k.socket(0).open();
    k.clock.advance(10);
    k.server.silent = true;
    const lost = watch(k.client.getSession('s'));
    const turn = watch(k.client.turn({ sessionId: 's', message: 'hi' }));
    k.socket(0).receive('not json');
    // Servers may echo the URL, token and all, in a close reason.
    k.socket(0).serverClose(4000, `bad ${k.socket(0).url} ${secret}`);
    k.clock.advance(0);
    k.socket(1).serverClose(4003, `token=${encodeURIComponent(secret)} refused`);
    const everything = JSON.stringify({ states: k.states, diagnostics: k.diagnostics, errors: [get.error, lost.error, turn.error].map((e) => (e as Error | undefined)?.message), lostError: lost.error, turnError: turn.error });
    expect(lost.error).toBeDefined();
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain(encodeURIComponent(secret));
    expect(k.diagnostics.map((d) => d.kind)).toEqual(['unparseable-frame']);
  });
});

describe('a turn that never left the outbox', () => {
  // A message the user withdrew before it ever left the client must not reach the server (which
  // would start it, and may run a tool for it, before the cancel).
  it('an abandoned turn whose send_message never left the outbox is not sent', () => {
    const k = kit();
    const subscription = k.client.turn({ sessionId: 'sess-1', message: 'delete everything' }).subscribe(quietly);
    k.clock.advance(1);
    subscription.unsubscribe();
    k.socket(0).open();
    k.clock.advance(10);
    expect(k.sentOn(0)).toEqual([]);
  });

  // The same through the turn timeout: the caller got TURN_TIMEOUT while the frame waited for a
  // reconnect.
  it('a turn that timed out while waiting in the outbox is not sent when the socket finally opens', () => {
    const k = kit({ turnTimeoutMs: 1_000, connectTimeoutMs: 0 });
    const turn = watch(k.client.turn({ sessionId: 'sess-1', message: 'delete everything' }));
    k.clock.advance(1_500);
    expect(turn.error).toMatchObject({ code: 'TURN_TIMEOUT' });
    k.socket(0).open();
    k.clock.advance(10);
    expect(k.sentOn(0)).toEqual([]);
  });
});
