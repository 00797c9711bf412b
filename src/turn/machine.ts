import type { ServerEvent } from '../generated/types.js';
import { ROLES, isAnswer, refusesCancel, refusesResume, resumesTurn } from './rules.js';

/** Where a live turn is, for the machine: answering, or parked on a human. */
export type TurnPhase = 'running' | 'parked' | 'ended';

/**
 * What an event means to the turn it arrived on:
 * - `emit`: an event of the turn, passed on;
 * - `answer`: passed on, and it answers the pending answer it is for (its 200 ack, or `interaction_invalid`);
 * - `refuse-answer`: an error answering a pending answer (stale interaction, no pending
 *   confirmation): the answer's, not the turn's — the turn lives on;
 * - `refuse-cancel`: `UNSUPPORTED_ACTION` answering our cancel: the cancel's, the turn goes on;
 * - `end`: the turn is over (`eventual_response` and `cancelled` are passed on last, an `error` errors it);
 * - `unexpected`: not an event of a turn (a `pong` on its requestId): reported, not passed on.
 */
export type TurnEffect = 'emit' | 'answer' | 'refuse-answer' | 'refuse-cancel' | 'end' | 'unexpected';

/** What the turn has in flight, which decides whose an error or an ack is. */
export interface TurnPending {
  /** An answer sent on the turn's requestId (a `submit_interaction`) waits for the server's reply. */
  readonly submitPending: boolean;
  /** A `cancel` was sent and not refused yet. */
  readonly cancelPending: boolean;
}

export interface TurnStep {
  readonly phase: TurnPhase;
  readonly effect: TurnEffect;
  /** The event (re)parks the turn: an ask, a form sent back invalid, a refused answer while parked. */
  readonly parks: boolean;
}

const NONE: TurnPending = { submitPending: false, cancelPending: false };

/**
 * The turn state machine, pure: the phase after `event` and what to do with it. The client's turn
 * runs it on every event it receives; `transcript()` and the testing controller read the same
 * rules (`rules.ts`). An ended turn stays ended whatever arrives.
 */
export function stepTurn(phase: TurnPhase, event: ServerEvent, pending: TurnPending = NONE): TurnStep {
  if (phase === 'ended') return step('ended', 'unexpected');
  switch (ROLES[event.type]) {
    case 'end': {
      if (event.type !== 'error') return step('ended', 'end');
      const code = event.data.error.code;
      if (pending.cancelPending && refusesCancel(code)) return step(phase, 'refuse-cancel');
      if (pending.submitPending && refusesResume(code)) return refused(phase, code);
      return step('ended', 'end');
    }
    case 'foreign':
      return step(phase, 'unexpected');
    case 'reject':
      return step('parked', pending.submitPending ? 'answer' : 'emit', true);
    case 'ask':
      return step('parked', 'emit', true);
    default:
      return step(phase === 'parked' && resumesTurn(event) ? 'running' : phase, pending.submitPending && isAnswer(event) ? 'answer' : 'emit');
  }
}

/**
 * The machine for an event on a pending answer's own requestId (a `confirm_tool_action` is sent
 * under one): its ack answers it, any error refuses it — the answer's, never the turn's end —
 * and anything else is not for it.
 */
export function stepAnswer(phase: TurnPhase, event: ServerEvent): TurnStep {
  if (phase === 'ended') return step('ended', 'unexpected');
  if (event.type === 'error') return refused(phase, event.data.error.code);
  if (isAnswer(event)) return step(phase === 'parked' ? 'running' : phase, 'answer');
  return step(phase, 'unexpected');
}

/** A refused answer: the turn keeps its phase; parked, it parks again (the human answers again) when the refusal is one of a resume's. */
function refused(phase: Exclude<TurnPhase, 'ended'>, code: string): TurnStep {
  return step(phase, 'refuse-answer', phase === 'parked' && refusesResume(code));
}

const PHASES: readonly TurnPhase[] = ['running', 'parked', 'ended'];
const EFFECTS: readonly TurnEffect[] = ['emit', 'answer', 'refuse-answer', 'refuse-cancel', 'end', 'unexpected'];

/** Every step there can be, made once: the machine runs on every event and allocates nothing. */
const STEPS = Object.fromEntries(
  PHASES.map((phase) => [
    phase,
    Object.fromEntries(EFFECTS.map((effect) => [effect, [false, true].map((parks): TurnStep => Object.freeze({ phase, effect, parks }))])),
  ]),
) as unknown as Record<TurnPhase, Record<TurnEffect, readonly [TurnStep, TurnStep]>>;

function step(phase: TurnPhase, effect: TurnEffect, parks = false): TurnStep {
  return STEPS[phase][effect][parks ? 1 : 0];
}
