/**
 * The turn state machine is pure, so its rules are checked as properties over random event
 * sequences rather than by example: what ends, parks and resumes a turn, and whose an error is.
 */
import fc from 'fast-check';
import type { ServerEvent } from '../../src/generated/types.js';
import { stepAnswer, stepTurn, type TurnPending, type TurnPhase } from '../../src/turn/machine.js';
import { RESUME_REFUSALS, endsTurn, isAnswer, parksTurn, rejectsAnswer, resumesTurn } from '../../src/turn/rules.js';
const RESUME_ERRORS: ReadonlySet<string> = new Set(Object.keys(RESUME_REFUSALS));
import { ack, cancelled, error, eventual, interactionInvalid, interactionRequired, ok, token, toolCall, toolResult, writeConfirmation } from '../fixtures/events.js';

const r = 'turn-1';
const events: ServerEvent[] = [
  ack(r),
  ok(r, {}),
  token(r, 'piece'),
  toolCall(r, 'lookup', { id: '1' }),
  toolResult(r, 'lookup', 'ok'),
  writeConfirmation(r, 'delete'),
  interactionRequired(r, 'ix-1'),
  interactionInvalid(r, 'ix-1'),
  eventual(r, 'answer'),
  cancelled(r),
  error(r, 'AGENT_ERROR'),
  error(r, 'UNSUPPORTED_ACTION'),
  ...[...RESUME_ERRORS].map((code) => error(r, code)),
  { type: 'pong', requestId: r, timestamp: 1, data: { timestamp: 1 } } as ServerEvent,
  { type: 'keepalive', requestId: r, data: { requestId: r } } as unknown as ServerEvent,
] as ServerEvent[];

const anyEvent = fc.constantFrom(...events);
const anyPending = fc.record({ submitPending: fc.boolean(), cancelPending: fc.boolean() });
const anyPhase = fc.constantFrom<TurnPhase>('running', 'parked', 'ended');
const codeOf = (event: ServerEvent) => (event.type === 'error' ? event.data.error.code : undefined);

describe('stepTurn', () => {
  it('an ended turn stays ended whatever arrives', () => {
    fc.assert(fc.property(anyEvent, anyPending, (event, pending) => expect(stepTurn('ended', event, pending)).toMatchObject({ phase: 'ended', effect: 'unexpected' })));
  });

  it('a terminal event ends the turn, unless it is an error answering what we sent (a resume, a cancel)', () => {
    fc.assert(
      fc.property(fc.constantFrom<TurnPhase>('running', 'parked'), anyEvent, anyPending, (phase, event, pending) => {
        const step = stepTurn(phase, event, pending);
        const code = codeOf(event);
        const answersUs = (pending.cancelPending && code === 'UNSUPPORTED_ACTION') || (pending.submitPending && code !== undefined && RESUME_ERRORS.has(code));
        expect(step.effect === 'end').toBe(endsTurn(event.type) && !answersUs);
        expect(step.phase === 'ended').toBe(step.effect === 'end');
      }),
    );
  });

  it('a refused answer belongs to the resume: the turn keeps its phase, and a parked turn parks again', () => {
    fc.assert(
      fc.property(fc.constantFrom<TurnPhase>('running', 'parked'), fc.constantFrom(...RESUME_ERRORS), (phase, code) => {
        const step = stepTurn(phase, error(r, code), { submitPending: true, cancelPending: false });
        expect(step).toMatchObject({ phase, effect: 'refuse-answer', parks: phase === 'parked' });
      }),
    );
  });

  it('an ask, a form sent back invalid and an answer refused while parked park a live turn, and nothing else does', () => {
    fc.assert(
      fc.property(anyPhase, anyEvent, anyPending, (phase, event, pending) => {
        const step = stepTurn(phase, event, pending);
        const refusedWhileParked = phase === 'parked' && step.effect === 'refuse-answer';
        expect(step.parks).toBe(phase !== 'ended' && (parksTurn(event) || rejectsAnswer(event) || refusedWhileParked));
        if (step.parks) expect(step.phase).toBe('parked');
      }),
    );
  });

  it('a parked turn goes on only on an event that resumes it; a running turn never parks without an ask', () => {
    fc.assert(
      fc.property(fc.array(anyEvent, { maxLength: 30 }), anyPending, (sequence, pending) => {
        let phase: TurnPhase = 'running';
        for (const event of sequence) {
          const next: TurnPhase = stepTurn(phase, event, pending).phase;
          if (phase === 'parked' && next === 'running') expect(resumesTurn(event)).toBe(true);
          if (phase === 'running') expect(next === 'parked').toBe(parksTurn(event) || rejectsAnswer(event));
          phase = next;
        }
      }),
    );
  });

  it('an ack or a form sent back answers a pending submit; nothing answers a submit that is not pending', () => {
    fc.assert(
      fc.property(anyPhase, anyEvent, anyPending, (phase, event, pending: TurnPending) => {
        const step = stepTurn(phase, event, pending);
        expect(step.effect === 'answer').toBe(phase !== 'ended' && pending.submitPending && (isAnswer(event) || rejectsAnswer(event)));
      }),
    );
  });

  it('on an answer\'s own requestId (a confirm\'s), an error is that answer\'s and never ends the turn; its ack resumes a parked turn', () => {
    fc.assert(
      fc.property(anyPhase, anyEvent, (phase, event) => {
        const step = stepAnswer(phase, event);
        const code = codeOf(event);
        if (phase === 'ended') return expect(step).toMatchObject({ phase: 'ended', effect: 'unexpected', parks: false });
        if (code !== undefined) return expect(step).toMatchObject({ phase, effect: 'refuse-answer', parks: phase === 'parked' && RESUME_ERRORS.has(code) });
        if (isAnswer(event)) return expect(step).toMatchObject({ phase: 'running', effect: 'answer', parks: false });
        return expect(step).toMatchObject({ phase, effect: 'unexpected', parks: false });
      }),
    );
  });

  it('allocates nothing per event: the same inputs give the same step object', () => {
    for (const event of events) expect(stepTurn('running', event)).toBe(stepTurn('running', event));
    expect(Object.isFrozen(stepTurn('parked', token(r, 'x')))).toBe(true);
  });
});
