/**
 * Every client feature against the embedded mock server: the canonical sequences and error
 * cases of PROTOCOL.md, over real sockets.
 */
import { EMPTY, catchError, concat, firstValueFrom, ignoreElements, lastValueFrom, map, merge, mergeMap, of, take, toArray, type Observable } from 'rxjs';
import { answerInteractions } from '../../operators/answerInteractions.js';
import { confirmWrites } from '../../operators/confirmWrites.js';
import { createSmoothClient, type SmoothClient } from '../../src/client/client.js';
import type { Diagnostic } from '../../src/client/diagnostics.js';
import type { SmoothError } from '../../src/errors.js';
import { turnOf } from '../../src/turn/context.js';
import type { TurnEvent } from '../../src/turn/turn-event.js';
import { startMockServer, type MockServer, type MockServerOptions } from '../../src/testing/mock-server/index.js';
import { validateAction } from '../../src/validation/validate.js';

const summary = (e: TurnEvent): string => {
  if (e.type === 'immediate_response') return `ack${e.status}`;
  if (e.type === 'stream_chunk') return e.data.state?.rawResponse?.toolCall ? `call:${e.node}` : `result:${e.node}`;
  return e.type === 'stream_token' ? 'token' : e.type;
};
/** Event summaries with each run of tokens as one `token` (how many pieces a text makes is the server's business). */
const collapse = (list: string[]) => list.filter((s, i) => s !== 'token' || list[i - 1] !== 'token');
const summarize = (turn$: Observable<TurnEvent>) => lastValueFrom(turn$.pipe(map(summary), toArray())).then(collapse);
const codeOf = (promise: Promise<unknown>) => promise.then(() => 'no error', (err: SmoothError) => err.code);

const text = (t: string) => ({ kind: 'text' as const, text: t });
const call = (name: string, args: object = {}) => ({ kind: 'toolCall' as const, name, arguments: JSON.stringify(args) });
const identityForm = call('request_identity_intake', { fields: [{ key: 'email', required: true }], reason: 'to send the quote' });

let server: MockServer;
let clients: SmoothClient[] = [];
async function start(options: MockServerOptions = {}, clientOptions: Partial<Parameters<typeof createSmoothClient>[0]> = {}): Promise<SmoothClient> {
  server = await startMockServer(options);
  return connect(clientOptions);
}
function connect(clientOptions: Partial<Parameters<typeof createSmoothClient>[0]> = {}): SmoothClient {
  const client = createSmoothClient({ url: server.url, ...clientOptions });
  clients.push(client);
  return client;
}
const session = async (client: SmoothClient, supports: string[] = []) => (await firstValueFrom(client.createSession({ agentId: 'agent-1', userName: 'Alice', userEmail: 'alice@example.com', supports }))).sessionId;

afterEach(async () => {
  for (const c of clients) c.close();
  clients = [];
  await server.close();
});

describe('canonical sequences', () => {
  it('1: basic streaming turn', async () => {
    const client = await start({ script: [text('Hello from the engine!')] });
    expect(await summarize(client.turn({ sessionId: await session(client), message: 'hi there' }))).toEqual(['ack202', 'token', 'eventual_response']);
  });

  it('2: tool turn', async () => {
    const client = await start({ script: [call('lookup_order', { id: '123' }), text('It ships Tuesday.')], tools: [{ name: 'lookup_order', result: 'Order 123: shipped' }] });
    expect(await summarize(client.turn({ sessionId: await session(client), message: 'where is order 123?' }))).toEqual([
      'ack202', 'call:lookup_order', 'result:lookup_order', 'token', 'eventual_response',
    ]);
  });

  it.each([true, false])('3: write confirmation answered %s at once, through turnOf', async (approved) => {
    const client = await start({ script: [call('delete_record', { id: '42' }), text('Done.')], tools: [{ name: 'delete_record', result: 'deleted' }], confirmTools: ['delete_record'] });
    const sessionId = await session(client);
    const events = await lastValueFrom(
      client.turn({ sessionId, message: 'delete record 42' }).pipe(
        mergeMap((e) => (e.type === 'write_confirmation_required' ? concat(of(e), turnOf(e).confirm(approved).pipe(ignoreElements())) : of(e))),
        toArray(),
      ),
    );
    expect(collapse(events.map(summary))).toEqual(['ack202', 'write_confirmation_required', 'call:delete_record', 'ack200', 'result:delete_record', 'token', 'eventual_response']);
    const result = events.find((e) => summary(e) === 'result:delete_record');
    expect(result?.type === 'stream_chunk' && result.data.state?.rawResponse?.toolResult).toMatchObject({ isError: !approved });
  });

  it('4: unsubscribing from a running turn sends cancel; the server ends it; the next turn runs', async () => {
    const client = await start({ script: [text('a long answer that streams slowly'), text('Second turn ran.')], tokenDelayMs: 30 });
    const sessionId = await session(client);
    expect(await summarize(client.turn({ sessionId, message: 'one' }).pipe(take(2)))).toEqual(['ack202', 'token']);
    expect(await summarize(client.turn({ sessionId, message: 'two' }))).toContain('eventual_response');
    const actions = server.received.map((r) => r.action);
    expect(actions).toEqual(['create_conversation_session', 'send_message', 'cancel', 'send_message']);
    const history = await firstValueFrom(client.getMessages({ sessionId }));
    // The cancelled turn stored the user message and no reply.
    expect(history.messages.map((m) => m.content.text)).toEqual(['Second turn ran.', 'two', 'one']);
  });

  it('4: cancel() stops a parked turn with a cancelled completion', async () => {
    const client = await start({ script: [call('delete_record'), text('x')], tools: [{ name: 'delete_record', result: 'x' }], confirmTools: ['delete_record'] });
    const events = await summarize(
      client.turn({ sessionId: await session(client), message: 'delete' }).pipe(mergeMap((e) => (e.type === 'write_confirmation_required' ? concat(of(e), turnOf(e).cancel().pipe(ignoreElements())) : of(e)))),
    );
    expect(events).toEqual(['ack202', 'write_confirmation_required', 'call:delete_record', 'cancelled']);
  });

  it('5: interaction, invalid values, resubmit, resumed; a session without the capability gets no park', async () => {
    const client = await start({ script: [identityForm, text('Thanks!'), identityForm, text('Noted.')] });
    const outcomes: string[] = [];
    const events = await summarize(
      client.turn({ sessionId: await session(client, ['identity_form']), message: 'quote please' }).pipe(
        mergeMap((e) => {
          if (e.type !== 'interaction_required') return of(e);
          const submit = (email: string) => turnOf(e).submitInteraction({ interactionId: e.data.data.interactionId, kind: 'identity_intake', values: { email } });
          const answer$ = submit('bad').pipe(mergeMap((o) => (outcomes.push(o.type), o.type === 'interaction_invalid' ? submit('alice@example.com') : EMPTY)), map((o) => outcomes.push(o.type)));
          return concat(of(e), answer$.pipe(ignoreElements()));
        }),
      ),
    );
    expect(outcomes).toEqual(['interaction_invalid', 'immediate_response']);
    expect(events).toEqual(['ack202', 'interaction_required', 'call:request_identity_intake', 'interaction_invalid', 'ack200', 'result:request_identity_intake', 'token', 'eventual_response']);
    const other = connect();
    expect(await summarize(other.turn({ sessionId: await session(other), message: 'quote please' }))).toEqual(['ack202', 'call:request_identity_intake', 'result:request_identity_intake', 'token', 'eventual_response']);
  });

  it('6: OTP: the turn completes without the tool; verify_otp with the wrong then the right code; re-send', async () => {
    const client = await start({ script: [call('pay'), text('Please verify.'), call('pay'), text('Paid.')], tools: [{ name: 'pay', result: 'paid' }], otp: { tools: ['pay'] } });
    const sessionId = await session(client);
    const first = await lastValueFrom(client.turn({ sessionId, message: 'pay' }).pipe(toArray()));
    expect(first.map(summary)).toEqual(expect.arrayContaining(['otp_verification_required', 'otp_sent', 'eventual_response']));
    const ask = first.find((e) => e.type === 'otp_verification_required');
    if (ask === undefined) throw new Error('no OTP ask');
    const wrong = await firstValueFrom(turnOf(ask).verifyOtp('000000'));
    expect(wrong.type === 'otp_invalid' && wrong.data.data.attemptsRemaining).toBe(2);
    expect((await firstValueFrom(turnOf(ask).verifyOtp('123456'))).type).toBe('otp_verified');
    expect(await summarize(turnOf(ask).resend())).toEqual(['ack202', 'call:pay', 'result:pay', 'token', 'eventual_response']);
  });

  it('8: a stale submit fails alone (INTERACTION_MISMATCH); the parked turn resumes with the right one', async () => {
    const client = await start({ script: [identityForm, text('All set.')] });
    const errors: string[] = [];
    const events = await summarize(
      client.turn({ sessionId: await session(client, ['identity_form']), message: 'quote' }).pipe(
        mergeMap((e) => {
          if (e.type !== 'interaction_required') return of(e);
          const stale = turnOf(e).submitInteraction({ interactionId: 'stale', kind: 'identity_intake', values: { email: 'a@b.co' } }).pipe(catchError((err: SmoothError) => (errors.push(err.code), EMPTY)));
          const right = turnOf(e).submitInteraction({ interactionId: e.data.data.interactionId, kind: 'identity_intake', values: { email: 'a@b.co' } });
          return concat(of(e), concat(stale, right).pipe(ignoreElements()));
        }),
      ),
    );
    expect(errors).toEqual(['INTERACTION_MISMATCH']);
    expect(events.at(-1)).toBe('eventual_response');
  });
});

describe('error cases', () => {
  it('7: SESSION_NOT_FOUND for a turn and for get_session; NO_PENDING_CONFIRMATION for a stray confirm', async () => {
    const client = await start({ script: [text('a slowly streamed answer')], tokenDelayMs: 20 });
    expect(await codeOf(lastValueFrom(client.turn({ sessionId: 'no-such-session', message: 'anyone?' })))).toBe('SESSION_NOT_FOUND');
    expect(await codeOf(firstValueFrom(client.getSession('no-such-session')))).toBe('SESSION_NOT_FOUND');
    const sessionId = await session(client);
    const stray: string[] = [];
    const events = await summarize(
      client.turn({ sessionId, message: 'hi' }).pipe(
        mergeMap((e, i) => (i === 1 ? concat(of(e), turnOf(e).confirm(true).pipe(ignoreElements(), catchError((err: SmoothError) => (stray.push(err.code), EMPTY)))) : of(e))),
      ),
    );
    // The server refused the confirm (nothing was parked); the turn went on.
    expect(stray).toEqual(['NO_PENDING_CONFIRMATION']);
    expect(events.at(-1)).toBe('eventual_response');
  });

  it('a confirm on a turn that has ended is refused locally with TURN_ENDED', async () => {
    const client = await start({ script: [text('hi')] });
    const events = await lastValueFrom(client.turn({ sessionId: await session(client), message: 'hi' }).pipe(toArray()));
    const last = events.at(-1);
    if (last === undefined) throw new Error('no events');
    expect(await codeOf(firstValueFrom(turnOf(last).confirm(true)))).toBe('TURN_ENDED');
    expect(server.received.map((r) => r.action)).not.toContain('confirm_tool_action');
  });

  it('VALIDATION_ERROR from the server when outgoing validation is off (the default); SKILL_NOT_FOUND; an unknown conversation resumes as a fresh one', async () => {
    const client = await start({ script: [text('hi')] });
    const sessionId = await session(client);
    expect(await codeOf(lastValueFrom(client.turn({ sessionId, message: '' })))).toBe('VALIDATION_ERROR');
    expect(await codeOf(lastValueFrom(client.turn({ sessionId, message: 'hi', skill: 'unknown_skill' })))).toBe('SKILL_NOT_FOUND');
    // As reference servers answer it: a 200 with a different conversationId, no error.
    expect((await firstValueFrom(client.createSession({ agentId: 'a', conversationId: 'no-such-conversation' }))).conversationId).not.toBe('no-such-conversation');
  });

  it('with outgoing validation on (validateAction), an invalid message never reaches the server', async () => {
    const client = await start({}, { validateOutgoing: validateAction });
    expect(await codeOf(lastValueFrom(client.turn({ sessionId: await session(client), message: 'x'.repeat(10001) })))).toBe('INVALID_ACTION');
    expect(server.received.map((r) => r.action)).toEqual(['create_conversation_session']);
  });

  it('queued turns never meet TURN_IN_PROGRESS; a second connection runs a concurrent turn on the same session', async () => {
    const client = await start({ script: [text('one'), text('two'), text('three')], tokenDelayMs: 5 });
    const sessionId = await session(client);
    const both = await lastValueFrom(merge(client.turn({ sessionId, message: 'a' }), client.turn({ sessionId, message: 'b' })).pipe(map(summary), toArray()));
    expect(both.filter((s) => s === 'eventual_response')).toHaveLength(2);
    const other = connect();
    const [x, y] = await Promise.all([summarize(client.turn({ sessionId, message: 'c' })), summarize(other.turn({ sessionId, message: 'd' }))]);
    expect([x.at(-1), y.at(-1)]).toEqual(['eventual_response', 'eventual_response']);
  });

  it("turnConcurrency 'fail' refuses a second turn locally", async () => {
    const client = await start({ script: [text('slow answer')], tokenDelayMs: 20 }, { turnConcurrency: 'fail' });
    const sessionId = await session(client);
    const first = lastValueFrom(client.turn({ sessionId, message: 'a' }));
    expect(await codeOf(lastValueFrom(client.turn({ sessionId, message: 'b' })))).toBe('TURN_IN_PROGRESS');
    expect((await first).type).toBe('eventual_response');
  });
});

describe('requests, resume, auth and faults', () => {
  it('get_session, paging, list_conversations, ping, resume by conversationId', async () => {
    const client = await start({ script: [text('one'), text('two')] });
    const created = await firstValueFrom(client.createSession({ agentId: 'agent-1' }));
    await lastValueFrom(client.turn({ sessionId: created.sessionId, message: 'first' }));
    await lastValueFrom(client.turn({ sessionId: created.sessionId, message: 'second' }));
    expect(await firstValueFrom(client.getSession(created.sessionId))).toMatchObject({ sessionId: created.sessionId, conversationId: created.conversationId, status: 'idle' });
    const page = await firstValueFrom(client.getMessages({ sessionId: created.sessionId, limit: 3 }));
    expect(page).toMatchObject({ hasMore: true, nextCursor: expect.any(String) });
    expect(page.messages.map((m) => m.content.text)).toEqual(['two', 'second', 'one']);
    const all = await lastValueFrom(client.allMessages({ sessionId: created.sessionId, pageSize: 3 }).pipe(map((m) => m.content.text), toArray()));
    expect(all).toEqual(['two', 'second', 'one', 'first']);
    expect((await firstValueFrom(client.listConversations()))[0]).toMatchObject({ conversationId: created.conversationId, messageCount: 4 });
    expect((await firstValueFrom(client.ping())).type).toBe('pong');
    const later = connect();
    const resumed = await firstValueFrom(later.createSession({ agentId: 'agent-1', conversationId: created.conversationId }));
    expect(resumed.conversationId).toBe(created.conversationId);
    expect(resumed.sessionId).not.toBe(created.sessionId);
    expect(await lastValueFrom(later.allMessages({ sessionId: resumed.sessionId }).pipe(toArray()))).toHaveLength(4);
  });

  it('token auth: the right token is accepted, a wrong one is closed with 4001', async () => {
    const client = await start({ token: 's3cret' }, { token: 's3cret' });
    expect((await firstValueFrom(client.ping())).type).toBe('pong');
    const intruder = connect({ token: 'wrong' });
    const error = await firstValueFrom(intruder.ping()).catch((e: SmoothError & { closeCode?: number }) => e);
    expect(error).toMatchObject({ code: 'CONNECTION_CLOSED', closeCode: 4001 });
  });

  it('a dropped connection errors the turn; the next request reconnects', async () => {
    const client = await start({ script: [text('never finished'), text('fine')], faults: { dropAtEvent: 3, turns: [0] } });
    const sessionId = await session(client);
    // The server terminates the socket: no close frame, so the client sees 1006.
    expect(await codeOf(lastValueFrom(client.turn({ sessionId, message: 'one' })))).toBe('CONNECTION_CLOSED');
    expect((await lastValueFrom(client.turn({ sessionId, message: 'two' }))).type).toBe('eventual_response');
    expect(server.connectionCount()).toBe(2);
  });

  it('a malformed terminal frame errors the turn with INVALID_FRAME and is reported on diagnostics$', async () => {
    const client = await start({ script: [text('hello')], faults: { malformedFrameAfterEvents: { after: 2, frame: (t) => ({ type: 'eventual_response', requestId: t.requestId }) } } });
    const diagnostics: Diagnostic[] = [];
    client.diagnostics$.subscribe((d) => diagnostics.push(d));
    expect(await codeOf(lastValueFrom(client.turn({ sessionId: await session(client), message: 'hi' })))).toBe('INVALID_FRAME');
    await firstValueFrom(client.ping()); // the rest of the turn has arrived by now
    expect(diagnostics.map((d) => d.kind)).toEqual(expect.arrayContaining(['invalid-frame', 'late-event']));
  });

  it('state$ follows the socket', async () => {
    const client = await start();
    const states: string[] = [];
    client.state$.subscribe((s) => states.push(s.status));
    await firstValueFrom(client.ping());
    client.close();
    expect(states).toEqual(['idle', 'connecting', 'open', 'closing', 'closed']);
  });

  it('a turn stays parked past its inactivity timeout while a human decides', async () => {
    const client = await start({ script: [call('delete_record'), text('ok')], tools: [{ name: 'delete_record', result: 'x' }], confirmTools: ['delete_record'] }, { turnTimeoutMs: 50 });
    const slowHuman = () => new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 200));
    const events = await summarize(client.turn({ sessionId: await session(client), message: 'delete' }).pipe(confirmWrites(slowHuman)));
    expect(events.at(-1)).toBe('eventual_response');
  });
});

describe('answering at once while the server streams slowly', () => {
  it('a confirm and a submit sent the moment their ask arrives are accepted', async () => {
    const client = await start({
      script: [call('delete_record'), identityForm, text('Done.')],
      tools: [{ name: 'delete_record', result: 'deleted' }],
      confirmTools: ['delete_record'],
      tokenDelayMs: 40,
    });
    const events = await summarize(
      client.turn({ sessionId: await session(client, ['identity_form']), message: 'delete and quote' }).pipe(
        confirmWrites(() => true),
        answerInteractions({ identity_intake: () => ({ values: { email: 'alice@example.com' } }) }),
      ),
    );
    expect(events.at(-1)).toBe('eventual_response');
    expect(events).toEqual(expect.arrayContaining(['result:delete_record', 'result:request_identity_intake']));
  });
});
