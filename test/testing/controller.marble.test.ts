import { EMPTY, catchError, concat, ignoreElements, map, mergeMap, of, switchMap, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { text, transcript } from '../../operators/index.js';
import { createSmoothClient, type SmoothClient } from '../../src/client/client.js';
import { SmoothConnectionError, SmoothProtocolError } from '../../src/errors.js';
import { SmoothTestingController, TestingControllerError, serverFrames } from '../../src/testing/index.js';
import { turnOf } from '../../src/turn/context.js';
import type { TurnEvent } from '../../src/turn/turn-event.js';

const testScheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
const T = { a: 'immediate_response:202', o: 'immediate_response:200', t: 'stream_token', k: 'stream_chunk', w: 'write_confirmation_required', i: 'interaction_required', v: 'interaction_invalid', e: 'eventual_response', c: 'cancelled' };
const types = (turn$: Observable<TurnEvent>) => turn$.pipe(map((e) => (e.type === 'immediate_response' ? `${e.type}:${e.status}` : e.type)));

let server: SmoothTestingController;
let client: SmoothClient;
beforeEach(() => {
  server = new SmoothTestingController();
  client = createSmoothClient({ url: 'ws://test/ws', webSocketImpl: server.WebSocket });
});

describe('a whole turn answered at marble frames', () => {
  it('play(): the answer grows with each token and settles on the final response', () => {
    testScheduler().run(({ expectObservable }) => {
      const answer$ = client.turn({ sessionId: 's1', message: 'Where is my order?' }).pipe(text());
      expectObservable(answer$).toBe('--ab(c|)', { a: 'Your ord', b: 'Your order shipped', c: 'Your order shipped.' });
      server.expectTurn('Where is my order?').play('-atl(e|)', {
        a: (t) => t.accept(),
        t: (t) => t.token('Your ord'),
        l: (t) => t.token('er shipped'),
        e: (t) => t.respond('Your order shipped.'),
      });
    });
    server.verify();
  });

  it('at(): a fluent script on the turn timeline, seen through transcript()', () => {
    testScheduler().run(({ expectObservable }) => {
      const status$ = client.turn({ sessionId: 's1', message: 'order 123?' }).pipe(
        transcript(),
        map((t) => `${t.status}|${t.answer}|${t.tools.map((tool) => `${tool.name}:${tool.result?.result ?? '…'}`).join(',')}`),
      );
      expectObservable(status$).toBe('-abcd(e|)', {
        a: 'streaming||',
        b: 'streaming||lookup_order:…',
        c: 'streaming||lookup_order:shipped',
        d: 'streaming|Order 123 h|lookup_order:shipped',
        e: 'completed|Order 123 has shipped.|lookup_order:shipped',
      });
      server
        .expectTurn({ sessionId: 's1', message: /order/ })
        .at(1).accept()
        .at(2).toolCall('lookup_order', { id: '123' })
        .at(3).toolResult('lookup_order', 'shipped')
        .at(4).token('Order 123 h')
        .at(5).respond({ text: 'Order 123 has shipped.', usage: { promptTokens: 20, completionTokens: 10, costUsd: 0.00007 } });
    });
    server.verify();
  });

  it('frames count from when the client sent the action: a turn started after createSession', () => {
    testScheduler().run(({ expectObservable }) => {
      const answer$ = client.createSession({ agentId: 'agent-1' }).pipe(
        switchMap((session) => client.turn({ sessionId: session.sessionId, message: 'hi' })),
        text(),
      );
      expectObservable(answer$).toBe('----a(b|)', { a: 'He', b: 'Hello' });
      server.expectRequest('create_conversation_session', { agentId: 'agent-1' }).at(2).respond({ sessionId: 'sess-42' });
      // sent at 2, when the session arrived: its frame 1 is 3
      server.expectTurn({ sessionId: 'sess-42', message: 'hi' }).at(1).accept().at(2).token('He').at(3).respond('Hello');
    });
    expect(server.sent.map((a) => a.action)).toEqual(['create_conversation_session', 'send_message']);
    server.verify();
  });

  it('reasoning, preamble and a split answer go through the turn; frames carry virtual timestamps', () => {
    const seen: TurnEvent[] = [];
    testScheduler().run(({ flush }) => {
      client.turn({ sessionId: 's1', message: 'think' }).subscribe((e) => seen.push(e));
      server.expectTurn('think').at(1).accept().reasoning('Let me ', 'think').preamble('Looking…').stream('Hello from the engine!').at(2).respond('Hello from the engine!');
      flush();
    });
    expect(seen.map((e) => (e.type === 'stream_token' || e.type === 'stream_reasoning' || e.type === 'stream_preamble' ? `${e.type}:${e.token}` : e.type))).toEqual([
      'immediate_response',
      'stream_reasoning:Let me ',
      'stream_reasoning:think',
      'stream_preamble:Looking…',
      'stream_token:Hello fr',
      'stream_token:om the e',
      'stream_token:ngine!',
      'eventual_response',
    ]);
    expect(seen.map((e) => e.timestamp)).toEqual([1, 1, 1, 1, 1, 1, 1, 2]);
  });
});

describe('human in the loop, answered through the controller', () => {
  it('turnOf(event).confirm(true) is expected with expectConfirm() and acked; the turn resumes', () => {
    testScheduler().run(({ expectObservable }) => {
      const turn$ = client.turn({ sessionId: 's1', message: 'delete record 42' }).pipe(
        mergeMap((e) => (e.type === 'write_confirmation_required' ? concat(of(e), turnOf(e).confirm(true).pipe(ignoreElements())) : of(e))),
      );
      expectObservable(types(turn$)).toBe('-awkokt(e|)', T);
      const turn = server.expectTurn('delete record 42');
      turn.at(1).accept().at(2).requireConfirmation('delete_record').at(3).toolCall('delete_record', { id: '42' });
      // the client confirms as soon as it is asked (frame 2): the ack 2 frames later
      server.expectConfirm({ approved: true }).at(2).ack();
      turn.at(5).toolResult('delete_record', 'Record 42 deleted.').at(6).token('Done.').at(7).respond('Done.');
    });
    const [, confirm] = server.sent;
    expect(confirm).toEqual({ action: 'confirm_tool_action', requestId: expect.any(String), sessionId: 's1', approved: true });
    server.verify();
  });

  it('a denied confirm is seen on the handle; a confirm error fails the confirm only', () => {
    const outcomes: string[] = [];
    testScheduler().run(({ expectObservable }) => {
      const turn$ = client.turn({ sessionId: 's1', message: 'delete it' }).pipe(
        mergeMap((e) =>
          e.type === 'write_confirmation_required'
            ? concat(of(e), turnOf(e).confirm(false).pipe(map((ack) => outcomes.push(`ack ${String(ack.data.approved)}`)), ignoreElements()))
            : of(e),
        ),
      );
      expectObservable(types(turn$)).toBe('-awok(e|)', T);
      const turn = server.expectTurn('delete it');
      turn.at(1).accept().at(2).requireConfirmation('delete_record');
      server.expectConfirm().play('-a', {
        a: (confirm) => {
          expect(confirm.approved).toBe(false);
          confirm.ack();
        },
      });
      turn.at(4).toolResult('delete_record', 'Denied by human: user rejected the action', true).at(5).respond('I did not delete it.');
    });
    expect(outcomes).toEqual(['ack false']);
    server.verify();
  });

  it('submitInteraction(): invalid values, then a corrected submit acked, through expectSubmit()', () => {
    const errors: string[] = [];
    testScheduler().run(({ expectObservable }) => {
      const turn$ = client.turn({ sessionId: 's1', message: 'send me a quote' }).pipe(
        mergeMap((e) => {
          if (e.type === 'interaction_required') {
            const answer = turnOf(e).submitInteraction({ interactionId: e.data.data.interactionId, kind: 'identity_intake', values: { email: 'not-an-email' } });
            return concat(of(e), answer.pipe(ignoreElements()));
          }
          if (e.type === 'interaction_invalid') {
            errors.push(...e.data.data.errors.map((x) => `${x.field}: ${x.message}`));
            const answer = turnOf(e).submitInteraction({ interactionId: e.data.data.interactionId, kind: 'identity_intake', values: { email: 'alice@example.com' } });
            return concat(of(e), answer.pipe(ignoreElements()));
          }
          return of(e);
        }),
      );
      expectObservable(types(turn$)).toBe('-aivok(e|)', T);
      const turn = server.expectTurn('send me a quote');
      turn.at(1).accept();
      const interactionId = turn.at(2).requireInteraction('identity_intake', { fields: [{ key: 'email', required: true }] }, 'to send you the quote');
      expect(interactionId).toBe('interaction-1');
      server.expectSubmit({ interactionId, values: { email: 'not-an-email' } }).at(1).invalid([{ field: 'email', message: 'must be a valid email address' }]);
      server.expectSubmit({ interactionId, values: { email: 'alice@example.com' } }).at(1).ack();
      turn.at(5).toolResult('request_identity_intake', { status: 'submitted', values: { email: 'alice@example.com' } }).at(6).respond('Thanks!');
    });
    expect(errors).toEqual(['email: must be a valid email address']);
    server.verify();
  });

  it('a stale submit gets INTERACTION_MISMATCH and the turn stays parked', () => {
    const outcomes: string[] = [];
    testScheduler().run(({ expectObservable }) => {
      const turn$ = client.turn({ sessionId: 's1', message: 'quote' }).pipe(
        mergeMap((e) => {
          if (e.type !== 'interaction_required') return of(e);
          const context = turnOf(e);
          const stale = context.submitInteraction({ interactionId: 'old', declined: true }).pipe(
            // the mismatch fails the stale submit only; then the right one goes out
            catchError((err: SmoothProtocolError) => (outcomes.push(err.code), EMPTY)),
          );
          const right = context.submitInteraction({ interactionId: e.data.data.interactionId, declined: true });
          return concat(of(e), stale.pipe(ignoreElements()), right.pipe(ignoreElements()));
        }),
      );
      expectObservable(types(turn$)).toBe('-ai-o(e|)', T);
      const turn = server.expectTurn('quote');
      turn.at(1).accept();
      const id = turn.at(2).requireInteraction('choices', { questions: [{ question: 'Plan?', header: 'Plan', options: [{ label: 'Basic' }, { label: 'Pro' }] }] });
      server.expectSubmit({ interactionId: 'old' }).at(1).mismatch();
      server.expectSubmit({ interactionId: id, declined: true }).at(1).ack();
      turn.at(5).respond('No worries.');
    });
    expect(outcomes).toEqual(['INTERACTION_MISMATCH']);
    server.verify();
  });

  it('OTP: otp_verification_required + otp_sent in the turn; verifyOtp() answered with invalid, then verified', () => {
    const outcomes: string[] = [];
    testScheduler().run(({ expectObservable, cold }) => {
      let context: ReturnType<typeof turnOf> | undefined;
      const turn$ = client.turn({ sessionId: 's1', message: 'pay invoice 7' }).pipe(map((e) => ((context ??= turnOf(e)), e.type)));
      expectObservable(turn$).toBe('-a(bc)(d|)', { a: 'immediate_response', b: 'otp_verification_required', c: 'otp_sent', d: 'eventual_response' });
      server.expectTurn('pay invoice 7').at(1).accept().at(2).requireOtp('pay_invoice', { maskedDestination: 'j***@example.com' }).at(6).respond('Please verify first.');
      cold('-------a-b').subscribe((x) => context?.verifyOtp(x === 'a' ? '000000' : '123456').subscribe((o) => outcomes.push(o.type === 'otp_invalid' ? `invalid ${o.data.data.attemptsRemaining}` : o.type)));
      server.expectVerifyOtp({ code: '000000' }).at(1).invalid(2);
      server.expectVerifyOtp({ code: '123456' }).at(1).verified();
    });
    // verify_otp is a request of its own: the ended turn still answers it
    expect(outcomes).toEqual(['invalid 2', 'otp_verified']);
    server.verify();
  });
});

describe('cancel', () => {
  it('unsubscribing mid-turn sends cancel, seen through expectCancel(); confirm() ends the turn and drops its script', () => {
    testScheduler().run(({ expectObservable }) => {
      expectObservable(client.turn({ sessionId: 's1', message: 'one' }).pipe(text()), '^--!').toBe('-ab', { a: 'A', b: 'AB' });
      // the second turn waits for the slot: it starts when cancelled arrives (4)
      expectObservable(client.turn({ sessionId: 's1', message: 'two' }).pipe(text()), '-^').toBe('------(x|)', { x: 'second' });
      server.expectTurn('one').at(1).accept().token('A').at(2).token('B').at(3).token('C').at(4).token('D').at(9).respond('ABCD');
      server.expectCancel().at(1).confirm();
      server.expectTurn('two').at(1).accept().at(2).respond('second');
    });
    const [first, cancel, second] = server.sent;
    expect(cancel).toEqual({ action: 'cancel', requestId: first?.requestId, sessionId: 's1' });
    expect(second).toMatchObject({ action: 'send_message', message: 'two' });
    server.verify(); // the dropped steps of 'one' are no failure
  });

  it('turnOf(event).cancel() is answered with cancelled and completes the turn normally', () => {
    testScheduler().run(({ expectObservable }) => {
      const turn$ = client.turn({ sessionId: 's1', message: 'stop me' }).pipe(
        mergeMap((e) => (e.type === 'write_confirmation_required' ? concat(of(e), turnOf(e).cancel().pipe(ignoreElements())) : of(e))),
      );
      expectObservable(types(turn$)).toBe('-aw--(c|)', T);
      server.expectTurn('stop me').at(1).accept().at(2).requireConfirmation('delete_record');
      server.expectCancel().at(3).confirm();
    });
    server.verify();
  });
});

describe('requests', () => {
  it('each request is answered at its frame with respond(data)', () => {
    testScheduler().run(({ expectObservable }) => {
      expectObservable(client.getSession('sess-1')).toBe('-(s|)', { s: serverFrames.sessionData({ sessionId: 'sess-1', status: 'active' }) });
      expectObservable(client.getMessages({ sessionId: 'sess-1', limit: 2 }).pipe(map((p) => p.messages.map((m) => m.id).join()))).toBe('--(m|)', { m: 'm2,m1' });
      expectObservable(client.listConversations().pipe(map((list) => list.map((c) => c.conversationId).join()))).toBe('---(l|)', { l: 'c1,c2' });
      expectObservable(client.ping().pipe(map((p) => p.type))).toBe('----(p|)', { p: 'pong' });
      server.expectRequest('get_session', { sessionId: 'sess-1' }).at(1).respond({ status: 'active' });
      server.expectRequest('get_conversation_messages', { limit: 2 }).at(2).respond(
        serverFrames.messagesPageData({
          messages: [
            { id: 'm2', direction: 'outbound', content: { text: 'Hello' } },
            { id: 'm1', direction: 'inbound', content: { text: 'Hi' } },
          ],
        }),
      );
      server.expectRequest('list_conversations').at(3).respond(serverFrames.conversationListData([{ conversationId: 'c1' }, { conversationId: 'c2' }]));
      server.expectRequest('ping').at(4).respond();
    });
    server.verify();
  });

  it('error(code) fails the request at its frame with SmoothProtocolError', () => {
    testScheduler().run(({ expectObservable }) => {
      expectObservable(client.getSession('gone')).toBe('--#', undefined, expect.objectContaining({ code: 'SESSION_NOT_FOUND' }));
      server.expectRequest('get_session', (a) => a.sessionId === 'gone').at(2).error('SESSION_NOT_FOUND');
    });
    server.verify();
  });
});

describe('error timing', () => {
  it('an error on the turn ends it at exactly its frame', () => {
    testScheduler().run(({ expectObservable }) => {
      expectObservable(types(client.turn({ sessionId: 's1', message: 'hi' }))).toBe('-at-#', T, expect.objectContaining({ code: 'LLM_UNAVAILABLE', message: 'model down' }));
      server.expectTurn('hi').at(1).accept().at(2).token('H').at(4).error('LLM_UNAVAILABLE', 'model down');
    });
    server.verify();
  });

  it('an error before the 202 (unknown session) errors the turn with SmoothProtocolError', () => {
    let caught: unknown;
    testScheduler().run(({ flush }) => {
      client.turn({ sessionId: 'nope', message: 'is anyone there?' }).subscribe({ error: (e: unknown) => (caught = e) });
      server.expectTurn({ sessionId: 'nope' }).at(3).error('SESSION_NOT_FOUND', "session 'nope' not found");
      flush();
    });
    expect(caught).toBeInstanceOf(SmoothProtocolError);
    expect(caught).toMatchObject({ code: 'SESSION_NOT_FOUND', message: expect.stringContaining("session 'nope' not found") });
  });

  it('a dropped connection errors the turn at its frame; the rest of the script is dropped', () => {
    testScheduler().run(({ expectObservable }) => {
      expectObservable(types(client.turn({ sessionId: 's1', message: 'hi' }))).toBe('-at#', T, expect.any(SmoothConnectionError));
      server.expectTurn('hi').at(1).accept().at(2).token('x').at(3).dropConnection().at(5).respond('never sent');
    });
    expect(server.socket.readyState).toBe(3);
    server.verify();
  });

  it('a server close carries its code', () => {
    testScheduler().run(({ expectObservable }) => {
      expectObservable(types(client.turn({ sessionId: 's1', message: 'hi' }))).toBe('-a#', T, expect.objectContaining({ code: 'CONNECTION_CLOSED', closeCode: 4000 }));
      server.expectTurn('hi').at(1).accept().at(2).closeConnection(4000, 'going away');
    });
  });

  it('an answer scripted after the turn ended is not sent, and verify() reports it with a clear error', () => {
    testScheduler().run(({ expectObservable }) => {
      expectObservable(types(client.turn({ sessionId: 's1', message: 'hi' }))).toBe('-a(e|)', T);
      server.expectTurn('hi').at(1).accept().at(2).respond('done').at(3).token('late');
    });
    expect(() => server.verify()).toThrow(/Scheduled answers that failed:[\s\S]*expectTurn\("hi"\): cannot send stream_token: the turn already ended \(responded\)/);
  });
});

describe('verify()', () => {
  it('throws listing actions no expectation matched', () => {
    testScheduler().run(({ expectObservable }) => {
      expectObservable(client.ping(), '^-!').toBe('');
    });
    expect(() => server.verify()).toThrow(TestingControllerError);
    expect(() => server.verify()).toThrow(/Actions sent that no expectation matched:\n {2}- ping rx-\w+-1 \{\}/);
  });

  it('throws on turns accepted and never ended, unless allowOpenTurns', () => {
    const patient = createSmoothClient({ url: 'ws://test/ws', webSocketImpl: server.WebSocket, turnTimeoutMs: 0 });
    testScheduler().run(({ flush }) => {
      patient.turn({ sessionId: 's1', message: 'long one' }).subscribe();
      server.expectTurn('long one').at(1).accept().token('…');
      flush();
    });
    expect(() => server.verify()).toThrow(/Turns accepted and never ended[\s\S]*send_message rx-\w+-1 \{ sessionId: "s1", message: "long one", stream: true \}/);
    expect(() => server.verify({ allowOpenTurns: true })).not.toThrow();
  });

  it('throws on expectations never matched, counting their scheduled answers', () => {
    testScheduler().run(() => {
      server.expectTurn('nobody said this').at(1).accept().at(2).respond('x');
    });
    expect(() => server.verify()).toThrow(/Expectations never matched:\n {2}- expectTurn\("nobody said this"\) \(2 scheduled answer\(s\) never sent\)/);
  });

  it('passes once everything was expected and ended', () => {
    testScheduler().run(({ flush }) => {
      client.turn({ sessionId: 's1', message: 'hi' }).subscribe();
      client.ping().subscribe();
      server.expectTurn('hi').at(1).accept().at(2).respond('hello');
      server.expectRequest('ping').at(1).respond();
      flush();
    });
    expect(() => server.verify()).not.toThrow();
  });
});

describe('the documented example', () => {
  it('runs as written in the SmoothTestingController TSDoc', () => {
    testScheduler().run(({ expectObservable }) => {
      expectObservable(client.turn({ sessionId: 's1', message: 'Where is my order?' }).pipe(text())).toBe('-ab(c|)', { a: 'Hel', b: 'Hello', c: 'Hello!' });
      server.expectTurn('Where is my order?').play('-ab(c|)', {
        a: (t) => t.accept().token('Hel'),
        b: (t) => t.token('lo'),
        c: (t) => t.respond('Hello!'),
      });
    });
    server.verify();
  });
});
