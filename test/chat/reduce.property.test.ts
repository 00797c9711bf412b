/**
 * The chat's fold is pure, so its rules are checked as properties over random event sequences of
 * one turn: what a message shows must follow from the events, whatever their order.
 */
import fc from 'fast-check';
import { assistantAfter, newAssistantMessage } from '../../src/chat/reduce.js';
import type { ChatAssistantMessage } from '../../src/chat/types.js';
import {
  acceptedFrame,
  cancelledFrame,
  eventualFrame,
  immediateFrame,
  interactionInvalidFrame,
  interactionRequiredFrame,
  otpRequiredFrame,
  otpSentFrame,
  preambleFrame,
  reasoningFrame,
  tokenFrame,
  toolCallFrame,
  toolResultFrame,
  writeConfirmationFrame,
} from '../../src/testing/frames.js';
import type { TurnEvent } from '../../src/turn/turn-event.js';

const r = 'turn-1';
const middle: fc.Arbitrary<TurnEvent> = fc.oneof(
  fc.string({ maxLength: 4 }).map((t) => tokenFrame(r, t)),
  fc.string({ maxLength: 4 }).map((t) => reasoningFrame(r, t)),
  fc.string({ maxLength: 4 }).map((t) => preambleFrame(r, t)),
  fc.constantFrom('a', 'b').map((name) => toolCallFrame(r, name)),
  fc.tuple(fc.constantFrom('a', 'b'), fc.boolean()).map(([name, isError]) => toolResultFrame(r, name, 'x', isError)),
  fc.constant(writeConfirmationFrame(r, 'delete')),
  fc.constant(interactionRequiredFrame(r, { interactionId: 'i1', kind: 'identity_intake', spec: { fields: [{ key: 'email' }] } })),
  fc.constant(interactionInvalidFrame(r, 'i1', 'identity_intake', [{ field: 'email', message: 'bad' }])),
  fc.constant(immediateFrame('confirm-1', 200, 'ok', {})),
  fc.constant(otpRequiredFrame(r, { toolId: 'transfer' })),
  fc.constant(otpSentFrame(r)),
  fc.constant(acceptedFrame(r)),
);
const end = fc.constantFrom<TurnEvent>(eventualFrame(r, ''), eventualFrame(r, 'final'), cancelledFrame(r));
const fold = (events: TurnEvent[]): ChatAssistantMessage[] => {
  const steps = [newAssistantMessage('a1', 'u1')];
  for (const event of events) steps.push(assistantAfter(steps[steps.length - 1] as ChatAssistantMessage, event));
  return steps;
};
const texts = (m: ChatAssistantMessage, type: string) => m.parts.filter((p) => p.type === type).map((p) => (p as { text: string }).text);

describe('the chat fold (one turn)', () => {
  it('while streaming, the text parts joined are the tokens since the last tool, reasoning or preamble joined', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 5 }), { maxLength: 30 }), (tokens) => {
        const last = fold(tokens.map((t) => tokenFrame(r, t))).at(-1) as ChatAssistantMessage;
        expect(texts(last, 'text').join('')).toBe(tokens.join(''));
        // Consecutive tokens make one part.
        expect(texts(last, 'text').length).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('status and ask agree: awaiting-human exactly while a park (not a code) is pending', () => {
    fc.assert(
      fc.property(fc.array(middle, { maxLength: 25 }), (events) => {
        for (const m of fold(events)) {
          const parked = m.ask !== undefined && m.ask.status === 'pending' && m.ask.type !== 'otp';
          expect(m.status === 'awaiting-human').toBe(parked);
        }
      }),
    );
  });

  it('after the end: complete or cancelled, no tool still running, no park pending (a code may still be asked)', () => {
    fc.assert(
      fc.property(fc.array(middle, { maxLength: 25 }), end, (events, last) => {
        const done = fold([...events, last]).at(-1) as ChatAssistantMessage;
        expect(done.status).toBe(last.type === 'cancelled' ? 'cancelled' : 'complete');
        expect(done.parts.some((p) => p.type === 'tool' && p.status === 'running')).toBe(false);
        if (done.ask?.status === 'pending') expect(done.ask.type).toBe('otp');
        if (last.type === 'eventual_response' && last.data.data.response.responseParts[0] === 'final') expect(texts(done, 'text')).toEqual(['final']);
      }),
    );
  });

  it('every tool call is one part, its result in place (a result without a call adds one)', () => {
    fc.assert(
      fc.property(fc.array(middle, { maxLength: 25 }), (events) => {
        const last = fold(events).at(-1) as ChatAssistantMessage;
        const calls = events.filter((e) => e.type === 'stream_chunk' && e.data.state?.rawResponse?.toolCall != null).length;
        const tools = last.parts.filter((p) => p.type === 'tool');
        expect(tools.length).toBeGreaterThanOrEqual(calls);
      }),
    );
  });

  it('an event that changes nothing returns the same message (identity kept for OnPush views)', () => {
    fc.assert(
      fc.property(fc.array(middle, { maxLength: 15 }), (events) => {
        const before = fold(events).at(-1) as ChatAssistantMessage;
        expect(assistantAfter(before, { type: 'keepalive', requestId: r, data: { requestId: r } } as unknown as TurnEvent)).toBe(before);
        expect(assistantAfter(before, acceptedFrame(r))).toBe(before);
      }),
    );
  });

  it('no preamble is left once the answer started', () => {
    fc.assert(
      fc.property(fc.array(middle, { maxLength: 25 }), fc.string({ minLength: 1, maxLength: 3 }), (events, token) => {
        const last = fold([...events, tokenFrame(r, token)]).at(-1) as ChatAssistantMessage;
        expect(last.parts.some((p) => p.type === 'preamble')).toBe(false);
      }),
    );
  });
});
