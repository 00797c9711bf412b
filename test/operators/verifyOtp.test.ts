import { from, lastValueFrom, map, of, switchMap, toArray, type Observable } from 'rxjs';
import { verifyOtp, type OtpAsk } from '../../operators/verifyOtp.js';
import { finalResponse } from '../../operators/finalResponse.js';
import { text } from '../../operators/text.js';
import { transcript } from '../../operators/transcript.js';
import { createSmoothClient, type SmoothClient } from '../../src/client/client.js';
import { startMockServer, type MockServer } from '../../src/testing/mock-server/index.js';
import type { TurnEvent } from '../../src/turn/turn-event.js';
import { ack, eventual, token } from '../fixtures/events.js';
import { harness, testScheduler } from '../client/harness.js';

const pay = { kind: 'toolCall' as const, name: 'pay_invoice', arguments: '{"invoice":"INV-7"}' };
const script = [pay, { kind: 'text' as const, text: 'I need to verify your identity first.' }, pay, { kind: 'text' as const, text: 'Invoice INV-7 is paid.' }];

describe('verifyOtp against the mock server', () => {
  let server: MockServer;
  let client: SmoothClient;
  beforeEach(async () => {
    server = await startMockServer({ script, tools: [{ name: 'pay_invoice', description: 'pay', result: 'paid' }], otp: { code: '123456', tools: ['pay_invoice'] } });
    client = createSmoothClient({ url: server.url });
  });
  afterEach(async () => {
    client.close();
    await server.close();
  });
  const turn$ = (): Observable<TurnEvent> =>
    client.createSession({ agentId: 'agent', userEmail: 'alice@example.com' }).pipe(switchMap((s) => client.turn({ sessionId: s.sessionId, message: 'pay invoice INV-7' })));
  const turn = (operator: (s: Observable<TurnEvent>) => Observable<TurnEvent>) => turn$().pipe(operator);

  it('asks for a code, retries on otp_invalid, and after otp_verified continues with the re-sent message', async () => {
    const asks: Array<Pick<OtpAsk, 'toolId' | 'attempt' | 'channels'> & { to?: string; remaining?: number }> = [];
    const events = await lastValueFrom(
      turn(
        verifyOtp((ask) => {
          asks.push({ toolId: ask.toolId, attempt: ask.attempt, channels: ask.channels, to: ask.sent?.maskedDestination, remaining: ask.invalid?.attemptsRemaining });
          return Promise.resolve(ask.attempt === 1 ? '000000' : '123456');
        }),
      ).pipe(toArray()),
    );
    const types = events.map((e) => e.type);
    // The refused turn's answer is held back; the verify answers and the new turn follow.
    expect(types.filter((t) => t === 'eventual_response')).toHaveLength(1);
    expect(types).toEqual(expect.arrayContaining(['otp_verification_required', 'otp_sent', 'otp_invalid', 'otp_verified']));
    expect(types.indexOf('otp_verified')).toBeLessThan(types.lastIndexOf('immediate_response'));
    const last = events.at(-1);
    expect(last?.type === 'eventual_response' && last.data.data.response.responseParts).toEqual(['Invoice INV-7 is paid.']);
    expect(asks).toEqual([
      { toolId: 'pay_invoice', attempt: 1, channels: ['email'], to: expect.stringContaining('@example.com'), remaining: undefined },
      { toolId: 'pay_invoice', attempt: 2, channels: ['email'], to: expect.stringContaining('@example.com'), remaining: 2 },
    ]);
    const sent = server.received.map((r) => r.action);
    expect(sent).toEqual(['create_conversation_session', 'send_message', 'verify_otp', 'verify_otp', 'send_message']);
    const messages = server.received.filter((r) => r.action === 'send_message').map((r) => (r.frame as { message: string }).message);
    expect(messages).toEqual(['pay invoice INV-7', 'pay invoice INV-7']);
  });

  it('finalResponse() after verifyOtp sees the answered turn', async () => {
    const answer = await lastValueFrom(turn$().pipe(verifyOtp(() => '123456'), finalResponse()));
    expect(answer.text).toBe('Invoice INV-7 is paid.');
  });

  it('text() and transcript() after verifyOtp show the answered turn, not the refused one joined to it', async () => {
    const events = await lastValueFrom(turn(verifyOtp(() => '123456')).pipe(toArray()));
    const answers = await lastValueFrom(from(events).pipe(text(), toArray()));
    const refused = 'I need to verify your identity first.';
    const answered = 'Invoice INV-7 is paid.';
    const restart = answers.indexOf('');
    expect(answers.slice(0, restart).at(-1)).toBe(refused);
    for (const answer of answers.slice(restart)) expect(answered.startsWith(answer)).toBe(true);
    expect(answers.at(-1)).toBe(answered);
    const last = await lastValueFrom(from(events).pipe(transcript()));
    expect(last).toMatchObject({ status: 'completed', answer: answered, pending: undefined, final: { text: answered } });
    expect(last.tools.map((tool) => [tool.name, tool.status])).toEqual([['pay_invoice', 'succeeded']]);
  });

  it('a null code gives up: the held answer is emitted and nothing more is sent', async () => {
    const events = await lastValueFrom(turn(verifyOtp(() => null)).pipe(map((e) => e.type), toArray()));
    expect(events.at(-1)).toBe('eventual_response');
    expect(server.received.map((r) => r.action)).toEqual(['create_conversation_session', 'send_message']);
  });
});

describe('verifyOtp timing', () => {
  it('passes a turn without an identity check through unchanged, and does not call codes', () => {
    const h = harness((a) => (a.action === 'send_message' ? [[1, ack(a.requestId)], [2, token(a.requestId, 'hi')], [3, eventual(a.requestId, 'hi')]] : undefined));
    let asked = 0;
    testScheduler().run(({ expectObservable }) => {
      expectObservable(h.client.turn({ sessionId: 's', message: 'x' }).pipe(verifyOtp(() => (asked++, of('1'))), map((e) => e.type))).toBe('-ab(c|)', { a: 'immediate_response', b: 'stream_token', c: 'eventual_response' });
    });
    expect(asked).toBe(0);
  });
});
