import { expectTypeOf } from 'expect-type';
import { from, type OperatorFunction } from 'rxjs';
import type { ToolCall, ToolResult } from '../../src/generated/types.js';
import type { TurnEvent } from '../../src/turn/turn-event.js';
import { finalResponseOf } from '../../operators/finalResponse.js';
import type { ToolActivity } from '../../operators/toolActivity.js';
import {
  transcript,
  type PendingAsk,
  type PendingInteraction,
  type PendingOtp,
  type PendingWriteConfirmation,
  type TranscriptStatus,
  type TurnTranscript,
} from '../../operators/transcript.js';
import { IDENTITY_SPEC, INTERACTION_ID, RID, USAGE_TOOL_TURN, ack, boundTo, cancelled, confirmAck, eventualResponse, fakeTurn, interactionAck, interactionInvalid, interactionRequired, keepalive, otpInvalid, otpSent, otpVerificationRequired, otpVerified, preamblePiece, reasoningPiece, token, toolCall, toolResult, writeConfirmation } from '../fixtures/events.js';
import { marbles } from './marbles.js';
import { chunkFrame } from '../../src/testing/frames.js';


/** The transcript of a turn whose context says the user sent `userMessage`, before any change. */
const start = (userMessage: string): TurnTranscript => ({
  requestId: RID,
  userMessage,
  status: 'waiting',
  answer: '',
  reasoning: '',
  preamble: '',
  tools: [],
  pending: undefined,
  final: undefined,
});

const running = (name: string, args: Record<string, unknown>): ToolActivity => ({
  name,
  node: name,
  call: { name, arguments: args },
  status: 'running',
});
const finished = (activity: ToolActivity, result: string, isError = false): ToolActivity => ({
  ...activity,
  result: { name: activity.name, isError, result },
  status: isError ? 'failed' : 'succeeded',
});

describe('transcript', () => {
  it('follows a basic streaming turn', () => {
    const turn = fakeTurn('hi there');
    const ev = boundTo(turn, {
      a: ack(RID),
      x: token(RID, 'Hello fr'),
      y: token(RID, 'om the e'),
      z: token(RID, 'ngine!'),
      e: eventualResponse(RID, ['Hello from the engine!']),
    });
    const A = { ...start('hi there'), status: 'streaming' as const };
    const X = { ...A, answer: 'Hello fr' };
    const Y = { ...X, answer: 'Hello from the e' };
    const Z = { ...Y, answer: 'Hello from the engine!' };
    const E = { ...Z, status: 'completed' as const, final: finalResponseOf(ev.e) };
    marbles(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<TurnEvent>('-a-x-y-z-e-|', ev);
      expectObservable(source.pipe(transcript())).toBe('-A-X-Y-Z-E-|', { A, X, Y, Z, E });
      expectSubscriptions(source.subscriptions).toBe('^----------!');
    });
  });

  it('follows a tool turn with a preamble and reasoning', () => {
    const ev = boundTo(fakeTurn('where is order 123?'), {
      a: ack(RID),
      r: reasoningPiece(RID, 'Look the order up.'),
      p: preamblePiece(RID, 'Let me look that up.'),
      c: toolCall(RID, 'lookup_order', { id: '123' }),
      d: toolResult(RID, 'lookup_order', 'Order 123: shipped, arrives Tuesday.'),
      x: token(RID, 'Your order 123 h'),
      y: token(RID, 'as shipped and a'),
      z: token(RID, 'rrives Tuesday.'),
      e: eventualResponse(RID, ['Your order 123 has shipped and arrives Tuesday.'], { usage: USAGE_TOOL_TURN }),
    });
    const call = running('lookup_order', { id: '123' });
    const A = { ...start('where is order 123?'), status: 'streaming' as const };
    const R = { ...A, reasoning: 'Look the order up.' };
    const P = { ...R, preamble: 'Let me look that up.' };
    const C = { ...P, tools: [call] };
    const D = { ...C, tools: [finished(call, 'Order 123: shipped, arrives Tuesday.')] };
    const X = { ...D, preamble: '', answer: 'Your order 123 h' };
    const Y = { ...X, answer: 'Your order 123 has shipped and a' };
    const Z = { ...Y, answer: 'Your order 123 has shipped and arrives Tuesday.' };
    const E = { ...Z, status: 'completed' as const, final: finalResponseOf(ev.e) };
    marbles(({ cold, expectObservable }) => {
      const source = cold<TurnEvent>('-a-r-p-c-d-x-y-z-e|', ev);
      expectObservable(source.pipe(transcript())).toBe('-A-R-P-C-D-X-Y-Z-E|', { A, R, P, C, D, X, Y, Z, E });
    });
  });

  it('follows a write confirmation: awaiting the human until the ack, then the tool result and answer', () => {
    const ev = boundTo(fakeTurn('delete record 42'), {
      a: ack(RID),
      w: writeConfirmation(RID, 'delete_record'),
      c: toolCall(RID, 'delete_record', { id: '42' }),
      k: confirmAck('r-confirm', true), // on the confirm frame's own requestId
      d: toolResult(RID, 'delete_record', 'Record 42 deleted.'),
      x: token(RID, 'Done — rec'),
      y: token(RID, 'ord 42 was deleted.'),
      e: eventualResponse(RID, ['Done — record 42 was deleted.'], { usage: USAGE_TOOL_TURN }),
    });
    const ask: PendingWriteConfirmation = {
      ask: 'write_confirmation',
      toolId: 'delete_record',
      actionDescription: "Approve calling tool 'delete_record'?",
    };
    const call = running('delete_record', { id: '42' });
    const A = { ...start('delete record 42'), status: 'streaming' as const };
    const W = { ...A, status: 'awaiting-human' as const, pending: ask };
    const C = { ...W, tools: [call] }; // the parked tool's call chunk does not resume the turn
    const K = { ...C, status: 'streaming' as const, pending: undefined };
    const D = { ...K, tools: [finished(call, 'Record 42 deleted.')] };
    const X = { ...D, answer: 'Done — rec' };
    const Y = { ...X, answer: 'Done — record 42 was deleted.' };
    const E = { ...Y, status: 'completed' as const, final: finalResponseOf(ev.e) };
    marbles(({ cold, expectObservable }) => {
      const source = cold<TurnEvent>('-a-w-c--k-d-x-y-e|', ev);
      expectObservable(source.pipe(transcript())).toBe('-A-W-C--K-D-X-Y-E|', { A, W, C, K, D, X, Y, E });
    });
  });

  it('records a denied write confirmation as a failed tool', () => {
    const ev = boundTo(fakeTurn('delete record 42'), {
      a: ack(RID),
      w: writeConfirmation(RID, 'delete_record'),
      c: toolCall(RID, 'delete_record', { id: '42' }),
      k: confirmAck('r-confirm', false),
      d: toolResult(RID, 'delete_record', 'Denied by human: user rejected the action', true),
      x: token(RID, 'OK, I left record 42 alone.'),
      e: eventualResponse(RID, ['OK, I left record 42 alone.']),
    });
    const call = running('delete_record', { id: '42' });
    const results: TurnTranscript[] = [];
    from(Object.values(ev)).pipe(transcript()).subscribe((t) => results.push(t));
    const last = results[results.length - 1]!;
    expect(last.tools).toEqual([finished(call, 'Denied by human: user rejected the action', true)]);
    expect(last.tools[0]!.status).toBe('failed');
    expect(last.pending).toBeUndefined();
    expect(last.status).toBe('completed');
    expect(last.answer).toBe('OK, I left record 42 alone.');
  });

  it('follows an interaction with an invalid resubmit: errors shown, still parked, cleared by the ack', () => {
    const ev = boundTo(fakeTurn('send me a quote'), {
      a: ack(RID),
      i: interactionRequired(RID),
      c: toolCall(RID, 'request_identity_intake', { ...IDENTITY_SPEC, reason: 'to send you the quote' }),
      v: interactionInvalid(RID, INTERACTION_ID, [{ field: 'email', message: 'must be a valid email address' }]),
      k: interactionAck(RID, { name: 'Alice Example', email: 'alice@example.com' }),
      d: toolResult(RID, 'request_identity_intake', '{"status":"submitted","values":{"name":"Alice Example","email":"alice@example.com"}}'),
      x: token(RID, "Thanks — I'"),
      y: token(RID, "ve got your details."),
      e: eventualResponse(RID, ["Thanks — I've got your details."], { usage: USAGE_TOOL_TURN }),
    });
    const ask: PendingInteraction = {
      ask: 'interaction',
      interactionId: INTERACTION_ID,
      kind: 'identity_intake',
      spec: IDENTITY_SPEC,
      reason: 'to send you the quote',
      errors: [],
      invalidMessage: undefined,
    };
    const call = running('request_identity_intake', { ...IDENTITY_SPEC, reason: 'to send you the quote' });
    const A = { ...start('send me a quote'), status: 'streaming' as const };
    const I = { ...A, status: 'awaiting-human' as const, pending: ask };
    const C = { ...I, tools: [call] };
    const V = {
      ...C,
      pending: { ...ask, errors: [{ field: 'email', message: 'must be a valid email address' }], invalidMessage: 'Some values are invalid' },
    };
    const K = { ...V, status: 'streaming' as const, pending: undefined };
    const D = {
      ...K,
      tools: [finished(call, '{"status":"submitted","values":{"name":"Alice Example","email":"alice@example.com"}}')],
    };
    const X = { ...D, answer: "Thanks — I'" };
    const Y = { ...X, answer: "Thanks — I've got your details." };
    const E = { ...Y, status: 'completed' as const, final: finalResponseOf(ev.e) };
    marbles(({ cold, expectObservable }) => {
      const source = cold<TurnEvent>('-a-i-c-v--k-d-x-y-e|', ev);
      expectObservable(source.pipe(transcript())).toBe('-A-I-C-V--K-D-X-Y-E|', { A, I, C, V, K, D, X, Y, E });
    });
  });

  it('keeps an OTP ask through the end of the turn (it does not park it) until otp_verified', () => {
    const ev = boundTo(fakeTurn('change my address'), {
      a: ack(RID),
      o: otpVerificationRequired(RID, 'update_address'),
      s: otpSent(RID, 'email', 'a***@example.com'),
      x: token(RID, 'I need to verify you first: '),
      y: token(RID, 'I sent a code to your email.'),
      e: eventualResponse(RID, ['I need to verify you first: I sent a code to your email.']),
      n: otpInvalid('r-otp', 2),
      v: otpVerified('r-otp'),
    });
    const ask: PendingOtp = {
      ask: 'otp',
      toolId: 'update_address',
      actionDescription: "Verify your identity to use 'update_address'",
      channels: ['email', 'sms'],
      authLevel: 'otp',
      sent: undefined,
      invalid: undefined,
    };
    const A = { ...start('change my address'), status: 'streaming' as const };
    const O = { ...A, pending: ask };
    const S = { ...O, pending: { ...ask, sent: { channel: 'email', maskedDestination: 'a***@example.com' } } };
    const X = { ...S, answer: 'I need to verify you first: ' };
    const Y = { ...X, answer: 'I need to verify you first: I sent a code to your email.' };
    const E = { ...Y, status: 'completed' as const, final: finalResponseOf(ev.e) };
    const N = { ...E, pending: { ...S.pending, invalid: { attemptsRemaining: 2, message: 'Invalid code', error: 'INVALID_CODE' } } };
    const V = { ...N, pending: undefined };
    marbles(({ cold, expectObservable }) => {
      const source = cold<TurnEvent>('-a-o-s-x-y-e-n-v|', ev);
      expectObservable(source.pipe(transcript())).toBe('-A-O-S-X-Y-E-N-V|', { A, O, S, X, Y, E, N, V });
    });
  });

  it('starts a fresh transcript when a new turn starts in the same stream (verifyOtp re-sends the message)', () => {
    const refused = boundTo(fakeTurn('pay invoice INV-7'), {
      a: ack(RID),
      o: otpVerificationRequired(RID, 'pay_invoice'),
      c: toolCall(RID, 'pay_invoice', { invoice: 'INV-7' }),
      d: toolResult(RID, 'pay_invoice', 'identity verification required', true),
      r: reasoningPiece(RID, 'Refused.'),
      x: token(RID, 'I need to verify you first.'),
      v: otpVerified('r-otp'),
    });
    const answered = boundTo(fakeTurn('pay invoice INV-7', 'r-2'), {
      b: ack('r-2'),
      c: toolCall('r-2', 'pay_invoice', { invoice: 'INV-7' }),
      d: toolResult('r-2', 'pay_invoice', 'paid', false),
      y: token('r-2', 'Invoice INV-7 is paid.'),
      e: eventualResponse('r-2', ['Invoice INV-7 is paid.'], {}),
    });
    const results: TurnTranscript[] = [];
    from<TurnEvent[]>([...Object.values(refused), ...Object.values(answered)]).pipe(transcript()).subscribe((t) => results.push(t));
    const call = running('pay_invoice', { invoice: 'INV-7' });
    const B = { ...start('pay invoice INV-7'), requestId: 'r-2', status: 'streaming' as const };
    expect(results[6]).toMatchObject({ answer: 'I need to verify you first.', reasoning: 'Refused.', tools: [finished(call, 'identity verification required', true)], pending: undefined });
    expect(results[7]).toEqual(B);
    expect(results.map((t) => t.answer).slice(7)).toEqual(['', '', '', 'Invoice INV-7 is paid.', 'Invoice INV-7 is paid.']);
    expect(results.at(-1)).toEqual({ ...B, status: 'completed', answer: 'Invoice INV-7 is paid.', tools: [finished(call, 'paid')], final: finalResponseOf(answered.e) });
  });

  it('stays parked through a state-only chunk (structured response, pending flags)', () => {
    const ev = boundTo(fakeTurn('delete record 42'), {
      a: ack(RID),
      w: writeConfirmation(RID, 'delete_record'),
      c: toolCall(RID, 'delete_record', { id: '42' }),
      s: chunkFrame(RID, 'agent', { structuredResponse: { summary: 'deleting' } }),
      f: chunkFrame(RID, 'agent', { pendingWriteConfirmation: { toolId: 'delete_record' } }),
      k: confirmAck('r-confirm', true),
    });
    const A = { ...start('delete record 42'), status: 'streaming' as const };
    const W = {
      ...A,
      status: 'awaiting-human' as const,
      pending: { ask: 'write_confirmation' as const, toolId: 'delete_record', actionDescription: "Approve calling tool 'delete_record'?" },
    };
    const C = { ...W, tools: [running('delete_record', { id: '42' })] };
    const K = { ...C, status: 'streaming' as const, pending: undefined };
    marbles(({ cold, expectObservable }) => {
      expectObservable(cold<TurnEvent>('-a-w-c-s-f-k|', ev).pipe(transcript())).toBe('-A-W-C-S-F-K|', { A, W, C, S: C, F: C, K });
    });
  });

  it('follows a turn cancelled while parked: the ask is dropped, the unanswered call stays running', () => {
    const ev = boundTo(fakeTurn('delete record 42'), {
      a: ack(RID),
      p: preamblePiece(RID, 'I will delete it.'),
      w: writeConfirmation(RID, 'delete_record'),
      c: toolCall(RID, 'delete_record', { id: '42' }),
      k: cancelled(RID),
    });
    const A = { ...start('delete record 42'), status: 'streaming' as const };
    const P = { ...A, preamble: 'I will delete it.' };
    const W = {
      ...P,
      status: 'awaiting-human' as const,
      pending: { ask: 'write_confirmation' as const, toolId: 'delete_record', actionDescription: "Approve calling tool 'delete_record'?" },
    };
    const C = { ...W, tools: [running('delete_record', { id: '42' })] };
    const K = { ...C, status: 'cancelled' as const, pending: undefined };
    marbles(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<TurnEvent>('-a-p-w-c-k|', ev);
      expectObservable(source.pipe(transcript())).toBe('-A-P-W-C-K|', { A, P, W, C, K });
      expectSubscriptions(source.subscriptions).toBe('^---------!');
    });
  });

  it('is waiting until the 202, and keeps an ended status whatever follows', () => {
    const ev = boundTo(fakeTurn('hi'), { q: keepalive(RID), a: ack(RID), e: eventualResponse(RID, ['Hi!']), v: otpVerified('r-otp') });
    marbles(({ cold, expectObservable }) => {
      const statuses = cold<TurnEvent>('-q-a-e-v|', ev).pipe(transcript());
      const Q = { ...start('hi') };
      const A = { ...Q, status: 'streaming' as const };
      const E = { ...A, status: 'completed' as const, answer: 'Hi!', final: finalResponseOf(ev.e) };
      expectObservable(statuses).toBe('-Q-A-E-V|', { Q, A, E, V: E });
    });
  });

  it('without a turn context: the first event gives the requestId, and there is no user message', () => {
    const values = { a: ack(RID), w: writeConfirmation(RID, 'delete_record'), k: confirmAck('r-confirm', true) };
    const results: TurnTranscript[] = [];
    from<TurnEvent[]>([values.a, values.w, values.k]).pipe(transcript()).subscribe((t) => results.push(t));
    expect(results.map((t) => [t.requestId, t.userMessage, t.status])).toEqual([
      [RID, undefined, 'streaming'],
      [RID, undefined, 'awaiting-human'],
      [RID, undefined, 'streaming'],
    ]);
  });

  it('emits a new object on every event and never changes one it emitted', () => {
    const ev = boundTo(fakeTurn('where is order 123?'), {
      a: ack(RID),
      c: toolCall(RID, 'lookup_order', { id: '123' }),
      q: keepalive(RID),
      d: toolResult(RID, 'lookup_order', 'Order 123: shipped.'),
      x: token(RID, 'Shipped.'),
      e: eventualResponse(RID, ['Shipped.']),
    });
    const emitted: TurnTranscript[] = [];
    const snapshots: string[] = [];
    from(Object.values(ev))
      .pipe(transcript())
      .subscribe((t) => {
        emitted.push(t);
        snapshots.push(JSON.stringify(t));
      });
    expect(emitted).toHaveLength(6);
    expect(new Set(emitted).size).toBe(6);
    expect(emitted.map((t) => JSON.stringify(t))).toEqual(snapshots);
    const [, called, kept, resulted] = emitted as [TurnTranscript, TurnTranscript, TurnTranscript, TurnTranscript];
    expect(kept).not.toBe(called);
    expect(resulted.tools).not.toBe(called.tools);
    expect(called.tools[0]!.status).toBe('running');
  });

  it('passes an error through at the frame it happens', () => {
    const ev = boundTo(fakeTurn('hi there'), { a: ack(RID), x: token(RID, 'Hello fr') });
    const A = { ...start('hi there'), status: 'streaming' as const };
    marbles(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<TurnEvent>('-a-x-#', ev, new Error('CONNECTION_CLOSED'));
      expectObservable(source.pipe(transcript())).toBe('-A-X-#', { A, X: { ...A, answer: 'Hello fr' } }, new Error('CONNECTION_CLOSED'));
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('unsubscribes from the source when its subscriber unsubscribes', () => {
    const ev = boundTo(fakeTurn('hi there'), { a: ack(RID), x: token(RID, 'Hello fr'), e: eventualResponse(RID, ['Hello fr']) });
    const A = { ...start('hi there'), status: 'streaming' as const };
    marbles(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold<TurnEvent>('-a-x-e-|', ev);
      expectObservable(source.pipe(transcript()), '^--!').toBe('-A-', { A });
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('is typed TurnEvent → TurnTranscript, with a pending ask discriminated on `ask`', () => {
    expectTypeOf(transcript()).toEqualTypeOf<OperatorFunction<TurnEvent, TurnTranscript>>();
    expectTypeOf<TurnTranscript['status']>().toEqualTypeOf<TranscriptStatus>();
    expectTypeOf<TranscriptStatus>().toEqualTypeOf<'waiting' | 'streaming' | 'awaiting-human' | 'completed' | 'cancelled'>();
    expectTypeOf<TurnTranscript['pending']>().toEqualTypeOf<PendingAsk | undefined>();
    expectTypeOf<TurnTranscript['tools']>().toEqualTypeOf<readonly ToolActivity[]>();
    const narrow = (pending: PendingAsk) => {
      if (pending.ask === 'interaction') expectTypeOf(pending.interactionId).toEqualTypeOf<string>();
      if (pending.ask === 'write_confirmation') expectTypeOf(pending.actionDescription).toEqualTypeOf<string>();
      if (pending.ask === 'otp') expectTypeOf(pending.channels).toEqualTypeOf<readonly string[]>();
    };
    expect(typeof narrow).toBe('function');
    // ToolCall / ToolResult reach the template typed
    expectTypeOf<TurnTranscript['tools'][number]['call']>().toEqualTypeOf<ToolCall>();
    expectTypeOf<TurnTranscript['tools'][number]['result']>().toEqualTypeOf<ToolResult | undefined>();
  });
});
