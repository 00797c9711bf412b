import { scan, type OperatorFunction } from 'rxjs';
import type { InteractionFieldError, OtpInvalid, OtpSent } from '../src/generated/types.js';
import { findTurnOf } from '../src/turn/context.js';
import { endsTurn, isKeepalive, parksTurn, resumesTurn, startsTurn } from '../src/turn/rules.js';
import type { TurnEvent } from '../src/turn/turn-event.js';
import { finalResponseOf, type FinalResponse } from './finalResponse.js';
import { preambleAfter } from './preamble.js';
import { reasoningAfter } from './reasoning.js';
import { answerAfter } from './text.js';
import { toolActivitiesAfter, type ToolActivity } from './toolActivity.js';

/**
 * Where the turn is:
 * - `waiting`: nothing but keepalives yet (the 202 acceptance has not arrived);
 * - `streaming`: accepted and running;
 * - `awaiting-human`: parked on a write confirmation or an interaction;
 * - `completed`: ended with `eventual_response`; `cancelled`: stopped by the user.
 */
export type TranscriptStatus = 'waiting' | 'streaming' | 'awaiting-human' | 'completed' | 'cancelled';

/** The agent asks to approve a write tool (`write_confirmation_required`); the turn is parked. */
export interface PendingWriteConfirmation {
  readonly ask: 'write_confirmation';
  readonly toolId: string;
  readonly actionDescription: string;
}

/** The agent asks for structured input (`interaction_required`); the turn is parked. */
export interface PendingInteraction {
  readonly ask: 'interaction';
  /** Echo it in `submit_interaction`. */
  readonly interactionId: string;
  /** `identity_intake`, `choices`, or a kind this client does not know yet. */
  readonly kind: string;
  /** The form to render; its shape depends on `kind`. */
  readonly spec: { readonly [key: string]: unknown };
  readonly reason: string | undefined;
  /** Field errors of the latest `interaction_invalid` (resubmit); `[]` until one arrives. */
  readonly errors: readonly InteractionFieldError[];
  /** The message of the latest `interaction_invalid`, if any. */
  readonly invalidMessage: string | undefined;
}

/**
 * The auth gate refused a tool until the user verifies a one-time code
 * (`otp_verification_required`). The turn is not parked: it goes on and completes without the
 * tool; after `verify_otp` succeeds the message is re-sent as a new turn.
 */
export interface PendingOtp {
  readonly ask: 'otp';
  readonly toolId: string;
  readonly actionDescription: string | undefined;
  /** Channels the code can be sent through (`email`, `sms`). */
  readonly channels: readonly string[];
  readonly authLevel: string | undefined;
  /** Where the code was sent (`otp_sent`): channel and masked destination; `undefined` until then. */
  readonly sent: OtpSent | undefined;
  /** The latest `otp_invalid` answer (attempts remaining, message), if a code was rejected. */
  readonly invalid: OtpInvalid | undefined;
}

/** What the agent is asking the human, discriminated on `ask`. */
export type PendingAsk = PendingWriteConfirmation | PendingInteraction | PendingOtp;

/** A turn as a UI shows it: built by {@link transcript}, a new immutable object per event. */
export interface TurnTranscript {
  /** The turn's `send_message` requestId (from its context; else the first event's). */
  readonly requestId: string | undefined;
  /** What the user sent, from the turn context; `undefined` for events without one. */
  readonly userMessage: string | undefined;
  readonly status: TranscriptStatus;
  /** The assistant's answer: streamed tokens joined, then the final answer (like `text()`). */
  readonly answer: string;
  /** The reasoning channel, joined (like `reasoning()`). */
  readonly reasoning: string;
  /** The current preamble, `''` once the answer replaced it (like `preamble()`). */
  readonly preamble: string;
  /** The tool calls in call order, each with its result once it ran (like `toolActivity()`). */
  readonly tools: readonly ToolActivity[];
  /** What the human is asked right now, if anything. */
  readonly pending: PendingAsk | undefined;
  /** The final response, once the turn completed. */
  readonly final: FinalResponse | undefined;
}

const EMPTY_TRANSCRIPT: TurnTranscript = {
  requestId: undefined,
  userMessage: undefined,
  status: 'waiting',
  answer: '',
  reasoning: '',
  preamble: '',
  tools: [],
  pending: undefined,
  final: undefined,
};

const ended = (status: TranscriptStatus): boolean => status === 'completed' || status === 'cancelled';

/** The pending ask after `event`, given the pending ask before it. */
function pendingAfter(pending: PendingAsk | undefined, event: TurnEvent): PendingAsk | undefined {
  switch (event.type) {
    case 'write_confirmation_required': {
      const { toolId, actionDescription } = event.data.data;
      return { ask: 'write_confirmation', toolId, actionDescription };
    }
    case 'interaction_required': {
      const { interactionId, kind, spec, reason } = event.data.data;
      return { ask: 'interaction', interactionId, kind, spec, reason, errors: [], invalidMessage: undefined };
    }
    case 'interaction_invalid': {
      if (pending?.ask !== 'interaction') return pending;
      const { errors, message } = event.data.data;
      return { ...pending, errors, invalidMessage: message };
    }
    case 'otp_verification_required': {
      const { toolId, actionDescription, availableChannels, authLevel } = event.data.data;
      return { ask: 'otp', toolId, actionDescription, channels: availableChannels ?? [], authLevel, sent: undefined, invalid: undefined };
    }
    case 'otp_sent':
      return pending?.ask === 'otp' ? { ...pending, sent: event.data.data } : pending;
    case 'otp_invalid':
      return pending?.ask === 'otp' ? { ...pending, invalid: event.data.data } : pending;
    case 'otp_verified':
      return pending?.ask === 'otp' ? undefined : pending;
    default:
      // A parked ask is answered when the turn goes on, and moot when it ends. An OTP ask outlives
      // the turn: the code is verified after it, then the message is re-sent.
      if (pending !== undefined && pending.ask !== 'otp' && (resumesTurn(event) || endsTurn(event.type))) {
        return undefined;
      }
      return pending;
  }
}

function statusAfter(status: TranscriptStatus, event: TurnEvent): TranscriptStatus {
  if (ended(status)) return status;
  switch (event.type) {
    case 'eventual_response':
      return 'completed';
    case 'cancelled':
      return 'cancelled';
    default:
      if (parksTurn(event)) return 'awaiting-human';
      if (isKeepalive(event)) return status;
      // Still parked on anything but a resume (`interaction_invalid`, the parked tool's `toolCall`).
      if (status === 'awaiting-human') return resumesTurn(event) ? 'streaming' : status;
      return 'streaming';
  }
}

/** @internal The transcript after `event`: always a new object. */
export function transcriptAfter(before: TurnTranscript, event: TurnEvent): TurnTranscript {
  // A new turn in the same stream (the message re-sent by verifyOtp, a retry) is shown on its own.
  const previous = startsTurn(event) ? EMPTY_TRANSCRIPT : before;
  // Looked up once per turn, not per event: the turn of a stream changes only on a new 202.
  const turn = previous.userMessage === undefined ? findTurnOf(event) : undefined;
  const final = event.type === 'eventual_response' && previous.final === undefined ? finalResponseOf(event) : previous.final;
  return {
    requestId: turn?.requestId ?? previous.requestId ?? event.requestId,
    userMessage: turn?.request.message ?? previous.userMessage,
    status: statusAfter(previous.status, event),
    answer: answerAfter(previous.answer, event),
    reasoning: reasoningAfter(previous.reasoning, event),
    preamble: preambleAfter(previous.preamble, event),
    tools: toolActivitiesAfter(previous.tools, event).activities,
    pending: pendingAfter(previous.pending, event),
    final,
  };
}

/**
 * Folds a turn into a UI-ready {@link TurnTranscript}: the user message, the streaming answer,
 * reasoning, preamble, tool calls with results, what the human is asked, the status and the final
 * response. Emits a new transcript on every event.
 *
 * ```
 * source:  --a--w--c---k---r--t--t--e--|   a: 202      w: write_confirmation_required
 *              transcript()                 c: toolCall chunk   k: confirm ack (200)
 * result:  --A--W--C---K---R--T--U--E--|   r: toolResult chunk  t: stream_token  e: eventual_response
 *
 *   A: streaming   W: awaiting-human, pending write_confirmation   C: + tool running (still parked)
 *   K: streaming, no pending ask   R: tool succeeded   T, U: answer grows   E: completed, final
 * ```
 *
 * Semantics, per field:
 * - `requestId`, `userMessage`: from the turn context (`findTurnOf(event)`); without one, the
 *   requestId of the first event and no message.
 * - `status`: `waiting` until the 202 or any other non-keepalive event; `awaiting-human` from a
 *   `write_confirmation_required` / `interaction_required` until the turn resumes; `completed` /
 *   `cancelled` at the end, kept whatever follows (e.g. an `otp_verified`) until a new turn.
 * - `answer`, `reasoning`, `preamble`, `tools`: as `text()`, `reasoning()`, `preamble()` and
 *   `toolActivity()` (all activities, in call order, results in place).
 * - `pending`: a write confirmation or interaction ask is cleared when the turn resumes (the
 *   rules of `resumesTurn`: its 200 ack, a streamed answer, reasoning or preamble piece, a tool
 *   result; not the parked tool's own `toolCall` chunk, which servers send right after the ask,
 *   nor a state-only chunk such as `structuredResponse` or `pending…` flags) and when the turn
 *   ends. `interaction_invalid` keeps the
 *   interaction pending with the latest `errors`. An OTP ask does not park the turn (it goes on
 *   and completes): it is kept through the end of the turn, updated by `otp_sent` /
 *   `otp_invalid`, and cleared only by `otp_verified`.
 * - `final`: the `FinalResponse` once `eventual_response` arrived.
 * - A new turn in the same stream (its 202: the message re-sent by `verifyOtp` after
 *   `otp_verified`, a `retry()`, turns concatenated) starts a fresh transcript: every field is the
 *   new turn's (its requestId and message, `streaming`, empty answer, reasoning, preamble and
 *   tools, no pending ask, no final), so the refused turn's answer and tool calls are not joined
 *   to the answered one's. The ended status is kept only until then.
 *
 * Every emission is a new object and earlier ones are never mutated, so it suits `OnPush`
 * change detection. Nothing is emitted before the first event (for a placeholder until then,
 * `startWith(undefined)` and render a spinner). Errors and completion pass through unchanged.
 *
 * @example
 * ```ts
 * // component: turn$ = this.client.turn({ sessionId, message }).pipe(transcript());
 * // template:
 * // @if (turn$ | async; as t) {
 * //   <p class="user">{{ t.userMessage }}</p>
 * //   @for (tool of t.tools; track $index) { <tool-chip [activity]="tool" /> }
 * //   @if (t.preamble) { <p class="preamble">{{ t.preamble }}</p> }
 * //   <p class="assistant">{{ t.answer }}</p>
 * //   @if (t.pending?.ask === 'write_confirmation') { <confirm-dialog [ask]="t.pending" /> }
 * // }
 * ```
 *
 * @returns An operator emitting a `TurnTranscript` per event.
 */
export function transcript(): OperatorFunction<TurnEvent, TurnTranscript> {
  return (source) => source.pipe(scan(transcriptAfter, EMPTY_TRANSCRIPT));
}
