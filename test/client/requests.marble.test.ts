import { map, take, toArray } from 'rxjs';
import { SmoothConnectionError, SmoothInvalidActionError, SmoothInvalidFrameError, SmoothProtocolError, SmoothTimeoutError } from '../../src/errors.js';
import type { ConnectionStatus } from '../../src/client/connection.js';
import { ack, error, ok, session, token } from '../fixtures/events.js';
import { harness, testScheduler } from './harness.js';
import { validateAction } from '../../src/validation/validate.js';

describe('requests', () => {
  it('createSession sends create_conversation_session and emits the Session once', () => {
    const h = harness((a) => (a.action === 'create_conversation_session' ? [[2, ok(a.requestId, session('s-1', 'c-1'), 'Session created')]] : undefined));
    testScheduler().run(({ expectObservable }) => {
      expectObservable(h.client.createSession({ agentId: 'agent-1', userName: 'Alice', supports: ['identity_form'] })).toBe('--(s|)', { s: session('s-1', 'c-1') });
    });
    expect(h.sockets.sent).toEqual([{ action: 'create_conversation_session', requestId: expect.any(String), agentId: 'agent-1', userName: 'Alice', supports: ['identity_form'] }]);
  });

  it('resumes a conversation by conversationId', () => {
    const h = harness((a) => (a.action === 'create_conversation_session' ? [[1, ok(a.requestId, session('s-2', a.conversationId ?? 'new'))]] : undefined));
    testScheduler().run(({ expectObservable }) => {
      expectObservable(h.client.createSession({ agentId: 'agent-1', conversationId: 'c-9' })).toBe('-(s|)', { s: session('s-2', 'c-9') });
    });
  });

  it('is cold: nothing is sent before subscription, each subscription sends anew', () => {
    const h = harness((a) => (a.action === 'get_session' ? [[1, ok(a.requestId, session())]] : undefined));
    testScheduler().run(({ expectObservable }) => {
      const get$ = h.client.getSession('sess-1');
      expect(h.sockets.all).toHaveLength(0);
      expectObservable(get$).toBe('-(s|)', { s: session() });
      expectObservable(get$, '---^').toBe('----(s|)', { s: session() });
    });
    expect(h.sentLog()).toEqual(['get_session:1', 'get_session:2']);
    expect(h.sockets.all).toHaveLength(1); // one shared socket
  });

  it('an error event errors with a typed SmoothProtocolError', () => {
    const h = harness((a) => [[1, { ...error(a.requestId, 'SESSION_NOT_FOUND', 'no such session'), data: { error: { code: 'SESSION_NOT_FOUND', message: 'no such session' }, details: { sessionId: 'x' }, requestId: a.requestId } }]]);
    let caught: SmoothProtocolError | undefined;
    testScheduler().run(({ flush }) => {
      h.client.getSession('x').subscribe({ error: (e: SmoothProtocolError) => (caught = e) });
      flush();
    });
    expect(caught).toBeInstanceOf(SmoothProtocolError);
    expect(caught).toMatchObject({ code: 'SESSION_NOT_FOUND', message: 'no such session', requestId: h.sockets.sent[0]?.requestId, details: { sessionId: 'x' } });
  });

  it('a reply whose data does not match the reply schema errors with SmoothInvalidFrameError', () => {
    const h = harness((a) => [[1, ok(a.requestId, { conversationId: 'c' })]]);
    testScheduler().run(({ expectObservable }) => {
      expectObservable(h.client.getSession('x')).toBe('-#', undefined, expect.objectContaining({ code: 'INVALID_FRAME', errors: [expect.objectContaining({ path: '/data/sessionId', rule: 'required' })] }));
    });
  });

  it('an invalid answer frame errors the request at once; other events on its id are reported', () => {
    const diagnostics: string[] = [];
    const h = harness((a) => [
      [1, token(a.requestId, 'not an answer')],
      [2, { type: 'immediate_response', requestId: a.requestId, status: 200 }],
    ]);
    h.client.diagnostics$.subscribe((d) => diagnostics.push(d.kind));
    testScheduler().run(({ expectObservable }) => {
      expectObservable(h.client.listConversations()).toBe('--#', undefined, expect.any(SmoothInvalidFrameError));
    });
    expect(diagnostics).toEqual(['unexpected-event', 'invalid-frame']);
  });

  it('times out with a typed REQUEST_TIMEOUT after requestTimeoutMs, then reports the late answer', () => {
    const diagnostics: string[] = [];
    const h = harness((a) => [[50, ok(a.requestId, session())]], { requestTimeoutMs: 20 });
    h.client.diagnostics$.subscribe((d) => diagnostics.push(d.kind));
    testScheduler().run(({ expectObservable }) => {
      expectObservable(h.client.getSession('s')).toBe('20ms #', undefined, expect.objectContaining({ code: 'REQUEST_TIMEOUT', timeoutMs: 20 }));
    });
    expect(diagnostics).toEqual(['late-event']);
    let caught: unknown;
    testScheduler().run(({ flush }) => {
      harness(() => undefined, { requestTimeoutMs: 5 }).client.ping().subscribe({ error: (e: unknown) => (caught = e) });
      flush();
    });
    expect(caught).toBeInstanceOf(SmoothTimeoutError);
  });

  it('with validateOutgoing: validateAction, an invalid action is not sent and errors with SmoothInvalidActionError', () => {
    const h = harness(() => undefined, { validateOutgoing: validateAction });
    let caught: SmoothInvalidActionError | undefined;
    testScheduler().run(({ flush }) => {
      h.client.getMessages({ sessionId: 's', limit: 500 }).subscribe({ error: (e: SmoothInvalidActionError) => (caught = e) });
      h.client.turn({ sessionId: 's', message: '' }).subscribe({ error: (e: SmoothInvalidActionError) => (caught ??= e) });
      flush();
    });
    expect(caught).toBeInstanceOf(SmoothInvalidActionError);
    expect(caught?.errors[0]).toMatchObject({ path: '/limit', rule: 'maximum' });
    expect(h.sockets.sent).toEqual([]);
  });

  it('listConversations emits the summaries; ping emits the pong', () => {
    const h = harness((a) => {
      if (a.action === 'list_conversations') return [[1, ok(a.requestId, { conversations: [{ conversationId: 'c-1', title: 'Order', updatedAt: '2026-11-01T00:00:00Z', messageCount: 2 }] })]];
      if (a.action === 'ping') return [[1, { type: 'pong', timestamp: 5, data: { timestamp: 5 } }]]; // no requestId echoed
    });
    testScheduler().run(({ expectObservable }) => {
      expectObservable(h.client.listConversations({ limit: 5 })).toBe('-(l|)', { l: [{ conversationId: 'c-1', title: 'Order', updatedAt: '2026-11-01T00:00:00Z', messageCount: 2 }] });
      expectObservable(h.client.ping(), '--^').toBe('---(p|)', { p: { type: 'pong', timestamp: 5, data: { timestamp: 5 } } });
    });
  });
});

describe('history paging', () => {
  const messages = Array.from({ length: 7 }, (_, i) => ({ id: `m${7 - i}`, direction: i % 2 ? 'inbound' : 'outbound', content: { text: `message ${7 - i}` }, createdAt: '2026-11-01T00:00:00Z' }));
  const pager = () =>
    harness((a) => {
      if (a.action !== 'get_conversation_messages') return;
      const start = a.cursor === undefined ? 0 : Number(a.cursor);
      const end = start + (a.limit ?? 50);
      return [[1, ok(a.requestId, { messages: messages.slice(start, end), nextCursor: end < messages.length ? String(end) : null, hasMore: end < messages.length })]];
    });

  it('getMessages returns one page with its cursor', () => {
    const h = pager();
    testScheduler().run(({ expectObservable }) => {
      expectObservable(h.client.getMessages({ sessionId: 's', limit: 3, cursor: '3' })).toBe('-(p|)', { p: { messages: messages.slice(3, 6), nextCursor: '6', hasMore: true } });
    });
  });

  it('allMessages walks every page in order', () => {
    const h = pager();
    testScheduler().run(({ expectObservable }) => {
      expectObservable(h.client.allMessages({ sessionId: 's', pageSize: 3 }).pipe(toArray())).toBe('---(a|)', { a: messages });
    });
    expect(h.sentLog()).toEqual(['get_conversation_messages:1', 'get_conversation_messages:2', 'get_conversation_messages:3']);
  });

  it('allMessages fetches no page the consumer does not reach', () => {
    const h = pager();
    testScheduler().run(({ expectObservable }) => {
      expectObservable(h.client.allMessages({ sessionId: 's', pageSize: 3 }).pipe(take(3), toArray())).toBe('-(a|)', { a: messages.slice(0, 3) });
    });
    expect(h.sentLog()).toEqual(['get_conversation_messages:1']);
  });
});

describe('connection', () => {
  it('opens lazily, reports its state, and is shared by requests and turns', () => {
    const states: ConnectionStatus[] = [];
    const h = harness((a) => (a.action === 'send_message' ? [[1, ack(a.requestId)]] : [[1, ok(a.requestId, session())]]), { turnTimeoutMs: 0 });
    h.client.state$.subscribe((s) => states.push(s.status));
    expect(states).toEqual(['idle']);
    testScheduler().run(({ flush }) => {
      h.client.getSession('s').subscribe();
      h.client.turn({ sessionId: 's', message: 'hi' }).subscribe();
      flush();
    });
    expect(states).toEqual(['idle', 'connecting', 'open']);
    expect(h.sockets.all).toHaveLength(1);
  });

  it('close() closes with 1000, errors everything in flight with CLIENT_CLOSED, and refuses new work', () => {
    const states: string[] = [];
    const h = harness(() => undefined, { turnTimeoutMs: 0, requestTimeoutMs: 0 });
    h.client.state$.subscribe({ next: (s) => states.push(s.status), complete: () => states.push('complete') });
    const errors: string[] = [];
    testScheduler().run(({ flush }) => {
      h.client.turn({ sessionId: 's', message: 'hi' }).subscribe({ error: (e: SmoothConnectionError) => errors.push(`turn ${e.code}`) });
      h.client.getSession('s').subscribe({ error: (e: SmoothConnectionError) => errors.push(`request ${e.code}`) });
      flush();
      h.client.close();
      h.client.ping().subscribe({ error: (e: SmoothConnectionError) => errors.push(`after ${e.code}`) });
    });
    expect(h.sockets.current.clientClose).toEqual({ code: 1000, reason: 'client closed' });
    expect(errors).toEqual(['turn CLIENT_CLOSED', 'request CLIENT_CLOSED', 'after CLIENT_CLOSED']);
    expect(h.sentLog()).toEqual(['send_message:1', 'get_session:2']); // no cancel into a closing socket
    expect(states.slice(-3)).toEqual(['closing', 'closed', 'complete']);
  });

  it('a dropped connection errors what runs with CONNECTION_ERROR; a server close carries its code; the next use reconnects', () => {
    const h = harness((a) => (a.action === 'get_session' ? [[1, ok(a.requestId, session())]] : [[1, ack(a.requestId)]]), { turnTimeoutMs: 0 });
    const errors: string[] = [];
    testScheduler().run(({ flush }) => {
      h.client.turn({ sessionId: 's', message: 'one' }).subscribe({ error: (e: SmoothConnectionError) => errors.push(`${e.code}`) });
      flush();
      h.sockets.current.fail();
      h.client.turn({ sessionId: 's', message: 'two' }).subscribe({ error: (e: SmoothConnectionError) => errors.push(`${e.code} ${e.closeCode}`) });
      flush();
      h.sockets.current.serverClose(4000, 'going away');
      h.client.getSession('s').subscribe({ next: (s) => errors.push(`reconnected ${s.sessionId}`) });
      flush();
    });
    expect(errors).toEqual(['CONNECTION_ERROR', 'CONNECTION_CLOSED 4000', 'reconnected sess-1']);
    expect(h.sockets.all).toHaveLength(3);
  });

  it('200 requests in flight at once are each answered to the right caller', () => {
    // Answers come back in reverse order of the requests.
    const h = harness((a) => (a.action === 'get_session' ? [[1000 - Number(a.requestId.split('-').pop()), ok(a.requestId, session(`for-${a.sessionId}`))]] : undefined));
    const answers = new Map<string, string>();
    testScheduler().run(({ flush }) => {
      for (let i = 0; i < 200; i++) h.client.getSession(`s${i}`).subscribe((s) => answers.set(`s${i}`, s.sessionId));
      flush();
    });
    expect(answers.size).toBe(200);
    for (const [asked, got] of answers) expect(got).toBe(`for-${asked}`);
  });
});

describe('request replies', () => {
  it('a 202 does not answer a request: reported as unexpected, the 200 answers it', () => {
    const h = harness((a) => {
      if (a.action === 'get_session') return [[1, { ...ok(a.requestId, session()), status: 202 }], [2, ok(a.requestId, session())]];
    });
    const kinds: string[] = [];
    h.client.diagnostics$.subscribe((d) => kinds.push(d.kind));
    testScheduler().run(({ expectObservable }) => {
      expectObservable(h.client.getSession('s').pipe(map((s) => s.sessionId))).toBe('--(s|)', { s: 'sess-1' });
    });
    expect(kinds).toEqual(['unexpected-event']);
  });
});
