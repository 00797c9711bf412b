/**
 * Typed turn events shaped like the recorded reference sessions (top-level `requestId`, payload
 * mirrored or doubly nested in `data.data`), for the operator tests.
 */
import { EMPTY } from 'rxjs';
import type { Citation, EventualResult, InteractionFieldError, KeepaliveEvent, OtpInvalidEvent, Usage } from '../../src/generated/types.js';
import {
  acceptedFrame,
  cancelledFrame,
  eventualFrame,
  immediateFrame,
  interactionInvalidFrame,
  interactionRequiredFrame,
  otpInvalidFrame,
  otpRequiredFrame,
  otpSentFrame,
  otpVerifiedFrame,
  preambleFrame,
  reasoningFrame,
  tokenFrame,
  toolCallFrame,
  toolResultFrame,
  writeConfirmationFrame,
} from '../../src/testing/frames.js';
import { bindTurn, type TurnContext } from '../../src/turn/context.js';
import type { TurnEvent } from '../../src/turn/turn-event.js';

export const RID = 'r-msg';
export const SID = 'defe4429-a6d5-464c-8fea-456db0ebb59d';
const TS = 1795477283829;
/** Pins the shared builders' clock-based `timestamp` (it differs inside `TestScheduler.run()`). */
const at = <T extends { timestamp?: number }>(event: T): T => ({ ...event, timestamp: TS });

/** `immediate_response` 202: the turn was accepted. */
export const accepted = (requestId = RID) => at(acceptedFrame(requestId));
export const token = (piece: string, requestId = RID) => at(tokenFrame(requestId, piece));
export const reasoningPiece = (piece: string, requestId = RID) => at(reasoningFrame(requestId, piece));
export const preamblePiece = (piece: string, requestId = RID) => at(preambleFrame(requestId, piece));
/** `stream_chunk` announcing a tool call; the node is the tool name. */
export const toolCall = (name: string, args: Record<string, unknown>, requestId = RID) => at(toolCallFrame(requestId, name, args));
/** `stream_chunk` carrying a tool's result. */
export const toolResult = (name: string, result: string, isError = false, requestId = RID) => at(toolResultFrame(requestId, name, result, isError));
export const writeConfirmationRequired = (toolId: string, requestId = RID) => at(writeConfirmationFrame(requestId, toolId));
/** The 200 ack of `confirm_tool_action`, on the confirm frame's own requestId. */
export const confirmAck = (approved: boolean, requestId = 'r-confirm') =>
  at(immediateFrame(requestId, 200, approved ? 'Tool action approved' : 'Tool action rejected', { sessionId: SID, approved }));

export const IDENTITY_SPEC = { fields: [{ key: 'name', required: false }, { key: 'email', required: true }] };
export const INTERACTION_ID = 'e404c1ff-7425-45be-8f99-aa9b55a4e8f5';

export const interactionRequired = (reason = 'to send you the quote', requestId = RID) =>
  at(interactionRequiredFrame(requestId, { interactionId: INTERACTION_ID, kind: 'identity_intake', spec: IDENTITY_SPEC, reason }));
export const interactionInvalid = (errors: InteractionFieldError[], requestId = RID) =>
  at(interactionInvalidFrame(requestId, INTERACTION_ID, 'identity_intake', errors, 'Some values are invalid'));
/** The 200 ack of an accepted `submit_interaction` (on the turn's requestId, as recorded). */
export const interactionAck = (values: Record<string, unknown>, requestId = RID) =>
  at(immediateFrame(requestId, 200, 'Interaction submitted', { sessionId: SID, interactionId: INTERACTION_ID, kind: 'identity_intake', values }));

export const otpVerificationRequired = (toolId: string, requestId = RID) =>
  at(otpRequiredFrame(requestId, { toolId, actionDescription: `Verify your identity to use '${toolId}'`, availableChannels: ['email', 'sms'], authLevel: 'otp' }));
export const otpSent = (channel = 'email', maskedDestination = 'a***@example.com', requestId = RID) => at(otpSentFrame(requestId, channel, maskedDestination));
/** The shared builder words the message by attempts left; the transcript tests assert this recorded text. */
export const otpInvalid = (attemptsRemaining: number, requestId = 'r-otp'): OtpInvalidEvent => {
  const event = at(otpInvalidFrame(requestId, attemptsRemaining, 'INVALID_CODE'));
  return { ...event, data: { ...event.data, data: { ...event.data.data, message: 'Invalid code' } } };
};
export const otpVerified = (requestId = 'r-otp') => at(otpVerifiedFrame(requestId, 'Identity verified'));

export const USAGE_ONE_CALL: Usage = { costUsd: 3.5e-5, promptTokens: 10, completionTokens: 5 };
export const USAGE_TOOL_TURN: Usage = { costUsd: 7e-5, promptTokens: 20, completionTokens: 10 };

export const CITATIONS: Citation[] = [
  { id: 'shipping.md', title: 'shipping.md', snippet: 'Orders ship within two days.', score: 2 },
  { id: 'https://example.com/returns', title: 'https://example.com/returns', url: 'https://example.com/returns', snippet: 'Returns are free.', score: 1 },
];

/** `eventual_response` 200 with the scripted server's default response fields. */
export const eventualResponse = (parts: string[], extra: Partial<Omit<EventualResult, 'response'>> = {}, requestId = RID) =>
  at(eventualFrame(requestId, { parts, messageId: '0be651ae-30e0-4750-842c-031b4e68396d', ...extra }));
export const cancelled = (requestId = RID) => at(cancelledFrame(requestId));
/** No shared builder exists for `keepalive` (and it carries no timestamp). */
export const keepalive = (requestId = RID): KeepaliveEvent => ({ type: 'keepalive', requestId, data: { requestId } });

/** A turn context for tests: answers nothing (its methods return EMPTY). */
export const fakeTurn = (message: string, requestId = RID): TurnContext => ({
  requestId,
  sessionId: SID,
  request: { sessionId: SID, message },
  status: 'running',
  confirm: () => EMPTY,
  submitInteraction: () => EMPTY,
  verifyOtp: () => EMPTY,
  cancel: () => EMPTY,
  resend: () => EMPTY,
});

/** Binds every event of `events` to `context`, as a turn stream does; returns `events`. */
export function boundTo<M extends Record<string, TurnEvent>>(context: TurnContext, events: M): M {
  for (const event of Object.values(events)) bindTurn(event, context);
  return events;
}
