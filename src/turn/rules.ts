import type { ServerEvent } from '../generated/types.js';

/**
 * The protocol's rules about what an event does to a turn, in one place: the client's turn, the
 * operators that model a turn (`transcript()`, the human-in-the-loop operators) and the testing
 * kit all read them from here, so a rule changes once.
 */

/** Event types that end a turn: `eventual_response` (answered), `cancelled` (stopped), `error`. */
export type TurnEndType = 'eventual_response' | 'cancelled' | 'error';

/** Whether an event type ends the turn it belongs to. */
export function endsTurn(type: unknown): type is TurnEndType {
  return type === 'eventual_response' || type === 'cancelled' || type === 'error';
}

/** Whether the event is a turn's acceptance (`immediate_response` 202): a new turn starts in the stream. */
export function startsTurn(event: ServerEvent): boolean {
  return event.type === 'immediate_response' && event.status === 202;
}

/** Whether the event parks the turn on a human (a write confirmation or an interaction ask). */
export function parksTurn(event: ServerEvent): boolean {
  return event.type === 'write_confirmation_required' || event.type === 'interaction_required';
}

/**
 * Whether the event shows a parked turn going on, i.e. its ask was answered (by us, or by the
 * server on its own, such as an interaction that timed out with `no_response`):
 * - the 200 ack of `confirm_tool_action` / `submit_interaction`;
 * - any streamed answer, reasoning or preamble piece;
 * - a tool chunk with a `toolResult` (the gated tool ran, or was denied).
 *
 * Not a resume: the parked tool's own `toolCall` chunk (servers send it right after the ask), a
 * state-only chunk (`structuredResponse`, `pending…` flags), `interaction_invalid` (still parked),
 * keepalives and OTP events.
 */
export function resumesTurn(event: ServerEvent): boolean {
  switch (event.type) {
    case 'immediate_response':
      return event.status === 200;
    case 'stream_token':
    case 'stream_reasoning':
    case 'stream_preamble':
      return true;
    case 'stream_chunk':
      return event.data.state?.rawResponse?.toolResult !== undefined;
    default:
      return false;
  }
}
