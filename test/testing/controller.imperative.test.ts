import { TestScheduler } from 'rxjs/testing';
import { text } from '../../operators/index.js';
import { createSmoothClient, type SmoothClient } from '../../src/client/client.js';
import type { ConnectionStatus } from '../../src/client/connection.js';
import type { Diagnostic } from '../../src/client/diagnostics.js';
import { SmoothTestingController, TestingControllerError, createTestingController } from '../../src/testing/index.js';
import { turnOf } from '../../src/turn/context.js';
import type { TurnEvent } from '../../src/turn/turn-event.js';

// Outside TestScheduler.run(): every send and every answer is synchronous.
let server: SmoothTestingController;
let client: SmoothClient;
beforeEach(() => {
  server = createTestingController();
  client = createSmoothClient({ url: 'ws://test/ws', webSocketImpl: server.WebSocket, turnTimeoutMs: 0, requestTimeoutMs: 0, lazyCloseTimeoutMs: 1 });
});

describe('imperative use', () => {
  it('answers a turn synchronously, frame by frame', () => {
    const answers: string[] = [];
    let done = false;
    client.turn({ sessionId: 's1', message: 'Where is my order?' }).pipe(text()).subscribe({ next: (a) => answers.push(a), complete: () => (done = true) });
    const turn = server.expectTurn('Where is my order?');
    expect(turn.matched).toBe(true);
    expect(turn.action).toEqual({ action: 'send_message', requestId: turn.requestId, sessionId: 's1', message: 'Where is my order?', stream: true });
    turn.accept().token('Hel', 'lo');
    expect(answers).toEqual(['Hel', 'Hello']);
    expect(turn.accepted).toBe(true);
    turn.respond('Hello!');
    expect(answers).toEqual(['Hel', 'Hello', 'Hello!']);
    expect(done).toBe(true);
    expect(turn.ending).toBe('responded');
    server.verify();
  });

  it('answering an expectation whose action was not sent throws, listing what was sent', () => {
    client.ping().subscribe();
    const turn = server.expectTurn({ message: 'never sent' });
    expect(turn.matched).toBe(false);
    expect(() => turn.accept()).toThrow(TestingControllerError);
    expect(() => turn.accept()).toThrow(/expectTurn\(\{ message: "never sent" \}\): no matching send_message has been sent \(yet\)\.\nActions sent and not consumed by an expectation:\n {2}- ping rx-\w+-1 \{\}/);
    expect(() => turn.requestId).toThrow(/no matching send_message/);
    server.expectRequest('ping').respond();
    expect(() => server.verify()).toThrow(/Expectations never matched:\n {2}- expectTurn\(\{ message: "never sent" \}\)$/);
  });

  it('throws when several sent actions match; match() takes them all', () => {
    const other = createSmoothClient({ url: 'ws://test/ws', webSocketImpl: server.WebSocket, turnTimeoutMs: 0, requestTimeoutMs: 0 });
    client.turn({ sessionId: 's1', message: 'hi' }).subscribe();
    other.turn({ sessionId: 's2', message: 'hi' }).subscribe();
    expect(() => server.expectTurn('hi')).toThrow(/expectTurn\("hi"\): 2 sent actions match, expected one:\n {2}- send_message .* sessionId: "s1"[\s\S]*sessionId: "s2"/);
    expect(server.expectTurn({ message: 'hi', sessionId: 's2' }).sessionId).toBe('s2'); // a narrower match is fine
    const [first, ...rest] = server.match('send_message');
    expect(rest).toEqual([]);
    expect(first?.sessionId).toBe('s1');
    expect(server.match('send_message')).toEqual([]); // consumed
    expect(server.connections).toHaveLength(2);
  });

  it('expectNone() and unmatched', () => {
    client.getSession('s1').subscribe();
    expect(() => server.expectNone('send_message')).not.toThrow();
    expect(() => server.expectNone('get_session', { sessionId: 's1' })).toThrow(/expectNone\("get_session", \{ sessionId: "s1" \}\): found/);
    expect(server.unmatched.map((a) => a.action)).toEqual(['get_session']);
    server.expectRequest('get_session').respond();
    expect(server.unmatched).toEqual([]);
  });

  it('an expectation declared before the action waits for it (first declared, first served)', () => {
    const first = server.expectTurn(/.*/);
    const second = server.expectTurn(/.*/);
    client.turn({ sessionId: 's1', message: 'one' }).subscribe();
    expect(server.sent).toHaveLength(1); // settles the handshake
    expect(first.matched && !second.matched).toBe(true);
    expect(first.message).toBe('one');
    first.accept().respond('ok');
  });

  it('confirm, submit and verifyOtp answered now', () => {
    const seen: string[] = [];
    const outcomes: string[] = [];
    client.turn({ sessionId: 's1', message: 'do it' }).subscribe((e: TurnEvent) => {
      seen.push(e.type);
      if (e.type === 'write_confirmation_required') turnOf(e).confirm(true).subscribe((ack) => outcomes.push(`confirm ${ack.status}`));
      if (e.type === 'interaction_required') turnOf(e).submitInteraction({ interactionId: e.data.data.interactionId, declined: true }).subscribe((o) => outcomes.push(`submit ${o.type}`));
    });
    const turn = server.expectTurn('do it');
    turn.accept().requireConfirmation('send_email', { args: { to: 'a@example.com' } });
    const confirm = server.expectConfirm();
    expect(confirm.approved).toBe(true);
    expect(confirm.sessionId).toBe('s1');
    confirm.ack();
    turn.toolResult('send_email', 'sent');
    const id = turn.requireInteraction('identity_intake', { fields: [{ key: 'name' }] }, 'to greet you', { toolCall: true });
    const submit = server.expectSubmit({ declined: true });
    expect([submit.interactionId, submit.declined, submit.values, submit.requestId]).toEqual([id, true, undefined, turn.requestId]);
    submit.ack();
    turn.requireOtp('pay', { sent: false }).respond('done');
    expect(seen).toEqual([
      'immediate_response',
      'write_confirmation_required',
      'stream_chunk',
      'immediate_response',
      'stream_chunk',
      'interaction_required',
      'stream_chunk',
      'immediate_response',
      'otp_verification_required',
      'eventual_response',
    ]);
    expect(outcomes).toEqual(['confirm 200', 'submit immediate_response']);
    server.verify();
  });

  it('a cancel with no running turn cannot be confirmed (a server sends nothing)', () => {
    const sub = client.turn({ sessionId: 's1', message: 'hi' }).subscribe();
    const turn = server.expectTurn('hi').accept();
    sub.unsubscribe();
    const cancel = server.expectCancel({ requestId: turn.requestId });
    turn.respond('raced the cancel');
    expect(() => cancel.confirm()).toThrow(/expectCancel\(\{ requestId: ".*" \}\): confirm\(\): no turn is running on this connection/);
  });

  it('refuses to send an invalid frame and to send on a closed connection', () => {
    client.turn({ sessionId: 's1', message: 'hi' }).subscribe({ error: () => undefined });
    const turn = server.expectTurn('hi').accept();
    expect(() => turn.emit((requestId) => ({ type: 'stream_token', requestId, token: 7 }) as unknown as TurnEvent)).toThrow(/refusing to send an invalid stream_token frame \(\/token must be string\)/);
    expect(() => turn.respond({ citations: [{ id: 'doc' } as never] })).toThrow(/invalid eventual_response/);
    server.drop();
    expect(() => turn.token('x')).toThrow(/cannot send stream_token: the connection is closed/);
    server.verify(); // the server dropped the connection: the turn died with it
  });

  it('sendRaw() reaches the client unvalidated', () => {
    const diagnostics: Diagnostic[] = [];
    client.diagnostics$.subscribe((d) => diagnostics.push(d));
    client.ping().subscribe();
    server.sendRaw('{not json');
    server.sendRaw({ type: 'stream_citation', data: {} });
    expect(diagnostics.map((d) => d.kind)).toEqual(['unparseable-frame', 'unknown-event-type']);
    server.expectRequest('ping').respond();
  });

  it('with autoOpen: false, the handshake waits for open()', () => {
    const manual = new SmoothTestingController({ autoOpen: false });
    const c = createSmoothClient({ url: 'ws://test/ws', webSocketImpl: manual.WebSocket });
    const states: ConnectionStatus[] = [];
    c.state$.subscribe((s) => states.push(s.status));
    const pongs: string[] = [];
    c.ping().subscribe((p) => pongs.push(p.type));
    expect(manual.sent).toEqual([]);
    manual.open();
    manual.expectRequest('ping').respond();
    expect(states).toEqual(['idle', 'connecting', 'open']);
    expect(pongs).toEqual(['pong']);
    manual.serverClose(1001, 'bye');
    expect(states.at(-1)).toBe('closed');
    c.close();
  });

  it('an at() frame already past throws', () => {
    const scheduler = new TestScheduler(() => undefined);
    scheduler.run(({ flush }) => {
      client.turn({ sessionId: 's1', message: 'hi' }).subscribe();
      const turn = server.expectTurn('hi');
      scheduler.schedule(() => expect(() => turn.at(1).accept()).toThrow(/frame 1 of its timeline \(time 1\) is already past \(now 3\)/), 3);
      scheduler.schedule(() => turn.accept().respond('ok'), 4);
      flush();
    });
    expect(() => server.expectTurn('x').at(-1)).toThrow(/a frame is an integer >= 0/);
  });
});
