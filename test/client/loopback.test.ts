import { firstValueFrom, lastValueFrom, mergeMap, of, concat, ignoreElements, toArray, catchError, EMPTY, take } from 'rxjs';
import { createSmoothClient, type SmoothClient } from '../../src/client/client.js';
import { turnOf } from '../../src/turn/context.js';
import type { TurnEvent } from '../../src/turn/turn-event.js';
import type { SmoothProtocolError } from '../../src/errors.js';
import { validateEvent } from '../../src/validation/validate.js';
import { sequences } from '../fixtures/sequences.js';
import { ok, session } from '../fixtures/events.js';
import { startLoopbackServer, type LoopbackScript, type LoopbackServer } from '../support/loopback-server.js';

const summary = (events: TurnEvent[]) =>
  events.map((e) => {
    if (e.type === 'immediate_response') return `ack ${e.status}`;
    if (e.type === 'stream_token') return 'token';
    if (e.type === 'stream_chunk') return e.data.state?.rawResponse?.toolCall ? `call ${e.node}` : `result ${e.node}`;
    return e.type;
  });

describe('against a real loopback server playing the canonical sequences', () => {
  let server: LoopbackServer;
  let client: SmoothClient;
  const start = async (script: LoopbackScript) => {
    server = await startLoopbackServer(script);
    client = createSmoothClient({ url: server.url, token: 'secret' });
  };
  afterEach(async () => {
    client.close();
    await server.close();
  });

  it('1: basic streaming turn', async () => {
    await start(sequences['1 basic turn']!);
    const sessionInfo = await firstValueFrom(client.createSession({ agentId: 'agent-1', userName: 'Alice' }));
    const events = await lastValueFrom(client.turn({ sessionId: sessionInfo.sessionId, message: 'hi there' }).pipe(toArray()));
    expect(summary(events)).toEqual(['ack 202', 'token', 'token', 'token', 'eventual_response']);
    expect(events.every((e) => validateEvent(JSON.parse(JSON.stringify(e))).valid)).toBe(true);
    expect(server.urls[0]).toBe('/ws?token=secret');
  });

  it('2: tool turn', async () => {
    await start(sequences['2 tool turn']!);
    const events = await lastValueFrom(client.turn({ sessionId: 'sess-1', message: 'where is order 123?' }).pipe(toArray()));
    expect(summary(events)).toEqual(['ack 202', 'call lookup_order', 'result lookup_order', 'token', 'token', 'token', 'eventual_response']);
  });

  it.each([true, false])('3: write confirmation answered %s from inside the stream', async (approved) => {
    await start(sequences['3 write confirmation']!);
    const events = await lastValueFrom(
      client.turn({ sessionId: 'sess-1', message: 'delete record 42' }).pipe(
        mergeMap((e) => (e.type === 'write_confirmation_required' ? concat(of(e), turnOf(e).confirm(approved).pipe(ignoreElements())) : of(e))),
        toArray(),
      ),
    );
    expect(summary(events)).toEqual(['ack 202', 'write_confirmation_required', 'call delete_record', 'ack 200', 'result delete_record', 'token', 'token', 'token', 'eventual_response']);
    const result = events[4];
    expect(result?.type === 'stream_chunk' && result.data.state?.rawResponse?.toolResult?.isError).toBe(!approved);
    const confirm = server.received.find((a) => a.action === 'confirm_tool_action');
    expect(confirm).toMatchObject({ sessionId: 'sess-1', approved });
  });

  it('4: unsubscribing from a parked turn cancels it; the next turn is accepted', async () => {
    await start(sequences['4 cancel, then the next turn']!);
    const first = await lastValueFrom(client.turn({ sessionId: 'sess-1', message: 'delete record 42' }).pipe(take(2), toArray()));
    expect(summary(first)).toEqual(['ack 202', 'write_confirmation_required']);
    const second = await lastValueFrom(client.turn({ sessionId: 'sess-1', message: 'never mind, say something' }).pipe(toArray()));
    expect(summary(second).at(-1)).toBe('eventual_response');
    expect(server.received.map((a) => a.action)).toEqual(['send_message', 'cancel', 'send_message']);
    // The next send_message went out only after the server's cancelled (the slot was held).
    expect(server.received[1]).toMatchObject({ action: 'cancel', requestId: server.received[0]?.requestId });
  });

  it('5: interaction, invalid values, resubmit', async () => {
    await start(sequences['5 interaction with an invalid resubmit']!);
    const outcomes: string[] = [];
    const events = await lastValueFrom(
      client.turn({ sessionId: 'sess-1', message: 'send me a quote' }).pipe(
        mergeMap((e) => {
          if (e.type !== 'interaction_required') return of(e);
          const { interactionId } = e.data.data;
          const submit = (email: string) => turnOf(e).submitInteraction({ interactionId, kind: 'identity_intake', values: { name: 'Alice', email } });
          return concat(
            of(e),
            submit('not-an-email').pipe(
              mergeMap((o) => {
                outcomes.push(o.type);
                return o.type === 'interaction_invalid' ? submit('alice@example.com') : EMPTY;
              }),
              mergeMap((o) => (outcomes.push(o.type), EMPTY)),
            ),
          );
        }),
        toArray(),
      ),
    );
    expect(outcomes).toEqual(['interaction_invalid', 'immediate_response']);
    expect(summary(events)).toEqual(['ack 202', 'interaction_required', 'call request_identity_intake', 'interaction_invalid', 'ack 200', 'result request_identity_intake', 'token', 'token', 'token', 'eventual_response']);
  });

  it('7: an unknown session errors the turn with SESSION_NOT_FOUND', async () => {
    await start(sequences['7 unknown session']!);
    await expect(lastValueFrom(client.turn({ sessionId: '00000000', message: 'is anyone there?' }))).rejects.toMatchObject({ code: 'SESSION_NOT_FOUND', message: "session '00000000' not found" });
  });

  it('8: a stale submit answered with INTERACTION_MISMATCH on the turn id leaves the turn parked; a corrected one resumes it', async () => {
    await start(sequences['8 stale submit on a live turn']!);
    const errors: string[] = [];
    const events = await lastValueFrom(
      client.turn({ sessionId: 'sess-1', message: 'quote' }).pipe(
        mergeMap((e) => {
          if (e.type !== 'interaction_required') return of(e);
          const stale = turnOf(e).submitInteraction({ interactionId: 'ix-old', values: { email: 'a@b.c' } }).pipe(catchError((err: SmoothProtocolError) => (errors.push(err.code), EMPTY)));
          return concat(of(e), stale, turnOf(e).submitInteraction({ interactionId: e.data.data.interactionId, values: { email: 'a@b.c' } })).pipe(mergeMap((x) => ('type' in x && x.type === 'interaction_required' ? of(x) : EMPTY)));
        }),
        toArray(),
      ),
    );
    expect(errors).toEqual(['INTERACTION_MISMATCH']);
    expect(summary(events)).toEqual(['ack 202', 'interaction_required', 'call request_identity_intake', 'ack 200', 'token', 'token', 'token', 'eventual_response']);
    expect(server.received.filter((a) => a.action === 'submit_interaction').every((a) => a.requestId === server.received[0]?.requestId)).toBe(true);
  });

  it('sends Node handshake headers', async () => {
    server = await startLoopbackServer((a) => [ok(a.requestId, session())]);
    client = createSmoothClient({ url: server.url, headers: { authorization: 'Bearer t', 'x-tenant': 'acme' } });
    await firstValueFrom(client.getSession('sess-1'));
    expect(server.headers[0]).toMatchObject({ authorization: 'Bearer t', 'x-tenant': 'acme' });
  });

  it('200 requests in flight at once over a real socket are each answered to the right caller', async () => {
    // The server answers in reverse order, after it has all 200.
    const pending: Array<{ requestId: string; sessionId: string }> = [];
    server = await startLoopbackServer((a) => {
      if (a.action !== 'get_session') return [];
      pending.push({ requestId: a.requestId, sessionId: a.sessionId });
      return pending.length === 200 ? pending.reverse().map((p) => ok(p.requestId, session(`for-${p.sessionId}`))) : [];
    });
    client = createSmoothClient({ url: server.url });
    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => firstValueFrom(client.getSession(`s${i}`))));
    answers.forEach((answer, i) => expect(answer.sessionId).toBe(`for-s${i}`));
  });
});
