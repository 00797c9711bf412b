/**
 * Typed turn events shaped like the recorded reference sessions (top-level `requestId`, payload
 * mirrored or doubly nested in `data.data`), for the operator tests.
 */
import { EMPTY } from 'rxjs';
import type {
  CancelledEvent,
  Citation,
  EventualResponseEvent,
  EventualResult,
  ImmediateResponseEvent,
  InteractionFieldError,
  InteractionInvalidEvent,
  InteractionRequiredEvent,
  KeepaliveEvent,
  OtpInvalidEvent,
  OtpSentEvent,
  OtpVerificationRequiredEvent,
  OtpVerifiedEvent,
  StreamChunkEvent,
  StreamPreambleEvent,
  StreamReasoningEvent,
  StreamTokenEvent,
  Usage,
  WriteConfirmationRequiredEvent,
} from '../../src/generated/types.js';
import { bindTurn, type TurnContext } from '../../src/turn/context.js';
import type { TurnEvent } from '../../src/turn/turn-event.js';

export const RID = 'r-msg';
export const SID = 'defe4429-a6d5-464c-8fea-456db0ebb59d';
const TS = 1795477283829;

/** `immediate_response` 202: the turn was accepted. */
export const accepted = (requestId = RID): ImmediateResponseEvent => ({
  type: 'immediate_response',
  status: 202,
  message: 'Processing your request...',
  data: {},
  timestamp: TS,
  requestId,
});

export const token = (piece: string, requestId = RID): StreamTokenEvent => ({
  type: 'stream_token',
  requestId,
  token: piece,
  data: { requestId, token: piece },
  timestamp: TS,
});

export const reasoningPiece = (piece: string, requestId = RID): StreamReasoningEvent => ({
  type: 'stream_reasoning',
  requestId,
  token: piece,
  data: { requestId, token: piece },
  timestamp: TS,
});

export const preamblePiece = (piece: string, requestId = RID): StreamPreambleEvent => ({
  type: 'stream_preamble',
  requestId,
  token: piece,
  data: { requestId, token: piece },
  timestamp: TS,
});

/** `stream_chunk` announcing a tool call; the node is the tool name. */
export const toolCall = (name: string, args: Record<string, unknown>, requestId = RID): StreamChunkEvent => ({
  type: 'stream_chunk',
  requestId,
  node: name,
  data: { requestId, node: name, state: { rawResponse: { toolCall: { name, arguments: args } } } },
  timestamp: TS,
});

/** `stream_chunk` carrying a tool's result. */
export const toolResult = (name: string, result: string, isError = false, requestId = RID): StreamChunkEvent => ({
  type: 'stream_chunk',
  requestId,
  node: name,
  data: { requestId, node: name, state: { rawResponse: { toolResult: { name, isError, result } } } },
  timestamp: TS,
});

export const writeConfirmationRequired = (toolId: string, requestId = RID): WriteConfirmationRequiredEvent => ({
  type: 'write_confirmation_required',
  requestId,
  data: { requestId, data: { toolId, actionDescription: `Approve calling tool '${toolId}'?` } },
  timestamp: TS,
});

/** The 200 ack of `confirm_tool_action`, on the confirm frame's own requestId. */
export const confirmAck = (approved: boolean, requestId = 'r-confirm'): ImmediateResponseEvent => ({
  type: 'immediate_response',
  status: 200,
  message: approved ? 'Tool action approved' : 'Tool action rejected',
  data: { sessionId: SID, approved },
  timestamp: TS,
  requestId,
});

export const IDENTITY_SPEC = { fields: [{ key: 'name', required: false }, { key: 'email', required: true }] };
export const INTERACTION_ID = 'e404c1ff-7425-45be-8f99-aa9b55a4e8f5';

export const interactionRequired = (reason = 'to send you the quote', requestId = RID): InteractionRequiredEvent => ({
  type: 'interaction_required',
  requestId,
  data: { requestId, data: { interactionId: INTERACTION_ID, kind: 'identity_intake', spec: IDENTITY_SPEC, reason } },
  timestamp: TS,
});

export const interactionInvalid = (errors: InteractionFieldError[], requestId = RID): InteractionInvalidEvent => ({
  type: 'interaction_invalid',
  requestId,
  data: {
    requestId,
    data: { interactionId: INTERACTION_ID, kind: 'identity_intake', errors, message: 'Some values are invalid' },
  },
  timestamp: TS,
});

/** The 200 ack of an accepted `submit_interaction` (on the turn's requestId, as recorded). */
export const interactionAck = (values: Record<string, unknown>, requestId = RID): ImmediateResponseEvent => ({
  type: 'immediate_response',
  status: 200,
  message: 'Interaction submitted',
  data: { sessionId: SID, interactionId: INTERACTION_ID, kind: 'identity_intake', values },
  timestamp: TS,
  requestId,
});

export const otpVerificationRequired = (toolId: string, requestId = RID): OtpVerificationRequiredEvent => ({
  type: 'otp_verification_required',
  requestId,
  data: {
    requestId,
    data: { toolId, actionDescription: `Verify your identity to use '${toolId}'`, availableChannels: ['email', 'sms'], authLevel: 'otp' },
  },
  timestamp: TS,
});

export const otpSent = (channel = 'email', maskedDestination = 'a***@example.com', requestId = RID): OtpSentEvent => ({
  type: 'otp_sent',
  requestId,
  data: { requestId, data: { channel, maskedDestination } },
  timestamp: TS,
});

export const otpInvalid = (attemptsRemaining: number, requestId = 'r-otp'): OtpInvalidEvent => ({
  type: 'otp_invalid',
  requestId,
  data: { requestId, data: { attemptsRemaining, message: 'Invalid code', error: 'INVALID_CODE' } },
  timestamp: TS,
});

export const otpVerified = (requestId = 'r-otp'): OtpVerifiedEvent => ({
  type: 'otp_verified',
  requestId,
  data: { requestId, data: { message: 'Identity verified' } },
  timestamp: TS,
});

export const USAGE_ONE_CALL: Usage = { costUsd: 3.5e-5, promptTokens: 10, completionTokens: 5 };
export const USAGE_TOOL_TURN: Usage = { costUsd: 7e-5, promptTokens: 20, completionTokens: 10 };

export const CITATIONS: Citation[] = [
  { id: 'shipping.md', title: 'shipping.md', snippet: 'Orders ship within two days.', score: 2 },
  { id: 'https://example.com/returns', title: 'https://example.com/returns', url: 'https://example.com/returns', snippet: 'Returns are free.', score: 1 },
];

/** `eventual_response` 200 with the scripted server's default response fields. */
export const eventualResponse = (
  parts: string[],
  extra: Partial<Omit<EventualResult, 'response'>> = {},
  requestId = RID,
): EventualResponseEvent => ({
  type: 'eventual_response',
  requestId,
  status: 200,
  data: {
    requestId,
    status: 200,
    data: {
      messageId: '0be651ae-30e0-4750-842c-031b4e68396d',
      response: {
        responseParts: parts,
        customerHappinessScore: 0.5,
        needsSatisfactionScore: 0.5,
        requestSummary: '',
        resolutionStatus: 'in_progress',
        suggestedNextActions: [],
      },
      needsEscalation: false,
      usage: USAGE_ONE_CALL,
      ...extra,
    },
  },
  timestamp: TS,
});

export const cancelled = (requestId = RID): CancelledEvent => ({
  type: 'cancelled',
  status: 499,
  data: { status: 499, requestId },
  timestamp: TS,
  requestId,
});

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
