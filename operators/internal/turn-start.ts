import type { TurnEvent } from '../../src/turn/turn-event.js';

/**
 * @internal Whether `event` starts a turn: its 202 acceptance. A stream can hold several turns
 * one after the other (`verifyOtp` re-sends the message, `retry()`, `concat` of turns); the
 * folding operators start afresh on it. Checked only on `immediate_response`, so it costs nothing
 * per streamed piece.
 */
export function startsTurn(event: TurnEvent): boolean {
  return event.type === 'immediate_response' && event.status === 202;
}
