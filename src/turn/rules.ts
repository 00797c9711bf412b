import type { ImmediateResponseEvent, ServerEvent, StreamChunkEvent } from '../generated/types.js';

/**
 * The protocol's rules about what an event does to a turn, in one place: the client's turn (its
 * machine), the operators that model a turn (`transcript()`, the human-in-the-loop operators) and
 * the testing kit all read them from here, so a rule changes once. A new event type fails to
 * compile in {@link ROLES} until it is given a role, and nowhere else.
 */

/**
 * What an event type is to the turn it arrives on:
 * - `ack`: `immediate_response`. A 202 starts a turn; a 200 answers a resume (confirm, submit)
 *   and resumes a parked turn.
 * - `piece`: a streamed piece of the answer (token, reasoning, preamble): resumes a parked turn.
 * - `chunk`: tool activity or state. Resumes a parked turn only with a `toolResult` (the gated
 *   tool ran, or was denied): the parked tool's own `toolCall` chunk, which servers send right
 *   after the ask, and state-only chunks (`structuredResponse`, `pending…` flags) do not.
 * - `ask`: parks the turn on a human (a write confirmation, an interaction).
 * - `reject`: answers a pending submit with its values refused; the turn stays parked.
 * - `note`: part of the turn, and changes nothing about where it is (the OTP events: servers
 *   do not park on them, the turn completes without the tool).
 * - `otp-answer`: answers `verify_otp`, which outlives the turn.
 * - `end`: ends the turn (`eventual_response` answered, `cancelled` stopped, `error` failed —
 *   unless the error answers something we sent: see {@link RESUME_REFUSALS}).
 * - `keepalive`: the connection's, not the turn's story.
 * - `foreign`: not an event of a turn (`pong`).
 */
export type Role = 'ack' | 'piece' | 'chunk' | 'ask' | 'reject' | 'note' | 'otp-answer' | 'end' | 'keepalive' | 'foreign';

const TABLE = {
  immediate_response: 'ack',
  stream_token: 'piece',
  stream_reasoning: 'piece',
  stream_preamble: 'piece',
  stream_chunk: 'chunk',
  write_confirmation_required: 'ask',
  interaction_required: 'ask',
  interaction_invalid: 'reject',
  otp_verification_required: 'note',
  otp_sent: 'note',
  otp_verified: 'otp-answer',
  otp_invalid: 'otp-answer',
  eventual_response: 'end',
  cancelled: 'end',
  error: 'end',
  keepalive: 'keepalive',
  pong: 'foreign',
} as const satisfies Record<ServerEvent['type'], Role>;

/**
 * Every event type's role, declared once. Typed by every `ServerEvent` type as well as by its
 * literal roles, so a type missing from the table fails to compile here only, not where it is read.
 */
export const ROLES: Readonly<Record<ServerEvent['type'], Role>> & typeof TABLE = Object.freeze(TABLE);

/**
 * Error codes that answer a resume (`submit_interaction`, `confirm_tool_action`) rather than end
 * the turn it was sent on, and whether each is moot: the server no longer holds the ask (it was
 * resolved without this answer, or superseded), so the refusal says nothing the turn's own events
 * do not. `VALIDATION_ERROR` answers a resume too (a malformed answer: the turn stays parked, the
 * human answers again), but it is never moot: the answer itself was wrong.
 */
export const RESUME_REFUSALS: Readonly<Record<string, 'moot' | 'malformed'>> = Object.freeze({
  NO_PENDING_CONFIRMATION: 'moot',
  NO_PENDING_INTERACTION: 'moot',
  INTERACTION_MISMATCH: 'moot',
  VALIDATION_ERROR: 'malformed',
});

/** The event types of one role, from the table. */
export type TypesOf<R extends Role> = { [T in keyof typeof ROLES]: (typeof ROLES)[T] extends R ? T : never }[keyof typeof ROLES];

/** Event types that end a turn: `eventual_response` (answered), `cancelled` (stopped), `error`. */
export type TurnEndType = TypesOf<'end'>;

/** Whether an event type ends the turn it belongs to (takes a raw frame's `type` too). */
export function endsTurn(type: unknown): type is TurnEndType {
  // An inherited key ('toString') reads as something other than a role: no own-key check needed.
  return typeof type === 'string' && ROLES[type as ServerEvent['type']] === 'end';
}

/** Whether the event is a turn's acceptance (its `ack` with 202): a new turn starts in the stream. */
export function startsTurn(event: ServerEvent): boolean {
  return ROLES[event.type] === 'ack' && (event as ImmediateResponseEvent).status === 202;
}

/**
 * Whether the event is the answer to something we sent: an `ack` with 200 (a resume's — confirm,
 * submit — or a query's reply). The one place this is decided.
 */
export function isAnswer(event: ServerEvent): boolean {
  return ROLES[event.type] === 'ack' && (event as ImmediateResponseEvent).status === 200;
}

/** Whether the event parks the turn on a human (a write confirmation or an interaction ask). */
export function parksTurn(event: ServerEvent): boolean {
  return ROLES[event.type] === 'ask';
}

/** Whether the event refuses a submitted answer's values (`interaction_invalid`): still parked. */
export function rejectsAnswer(event: ServerEvent): boolean {
  return ROLES[event.type] === 'reject';
}

/** Whether the event answers `verify_otp` (verified, or a code refused). */
export function answersOtp(event: ServerEvent): boolean {
  return ROLES[event.type] === 'otp-answer';
}

/** Whether the event is no event of a turn (a `pong` on a turn's requestId). */
export function isForeign(event: ServerEvent): boolean {
  return ROLES[event.type] === 'foreign';
}

/** Whether the event is a keepalive: it says the connection lives, nothing about the turn. */
export function isKeepalive(event: ServerEvent): boolean {
  return ROLES[event.type] === 'keepalive';
}

/**
 * Whether the event shows a parked turn going on, i.e. its ask was answered (by us, or by the
 * server on its own, such as an interaction that timed out with `no_response`): an answered
 * resume, a streamed piece, a tool result (see {@link Role}).
 */
export function resumesTurn(event: ServerEvent): boolean {
  switch (ROLES[event.type]) {
    case 'ack':
      return isAnswer(event);
    case 'piece':
      return true;
    case 'chunk':
      return (event as StreamChunkEvent).data.state?.rawResponse?.toolResult !== undefined;
    default:
      return false;
  }
}

/**
 * Whether an error code answers a `cancel` we sent rather than end the turn: reduced deployments
 * answer UNSUPPORTED_ACTION to it, echoing the turn's requestId. The cancel's; the turn goes on.
 */
export function refusesCancel(code: string): boolean {
  return code === 'UNSUPPORTED_ACTION';
}

/** Whether an error code answers a resume we sent (the resume's, not the turn's). */
export function refusesResume(code: string): boolean {
  return Object.hasOwn(RESUME_REFUSALS, code);
}

/** Whether an error code refuses an answer as moot: the server no longer holds the ask. */
export function isMootRefusal(code: string): boolean {
  return refusesResume(code) && RESUME_REFUSALS[code] === 'moot';
}
