/**
 * Builders of the events the mock server sends, shaped (and field-ordered) like the frames
 * recorded from reference servers. Each returns its generated wire type.
 */
import type {
  CancelledEvent,
  Citation,
  EventualResponseEvent,
  ImmediateResponseEvent,
  InteractionFieldError,
  InteractionInvalidEvent,
  InteractionRequiredEvent,
  OtpInvalidEvent,
  OtpSentEvent,
  OtpVerificationRequiredEvent,
  OtpVerifiedEvent,
  PongEvent,
  ProtocolErrorEvent,
  StreamChunkEvent,
  StreamTokenEvent,
  ToolResult,
  WriteConfirmationRequiredEvent,
} from '../../generated/types.js';

/** Usage one scripted model call reports. */
export const USAGE_PER_CALL = { promptTokens: 10, completionTokens: 5, costMicroUsd: 35 } as const;

export function immediateResponse(
  requestId: string,
  status: 200 | 202,
  message: string,
  data: Record<string, unknown>,
): ImmediateResponseEvent {
  return { type: 'immediate_response', status, message, data, timestamp: Date.now(), requestId };
}

export function accepted(requestId: string): ImmediateResponseEvent {
  return immediateResponse(requestId, 202, 'Processing your request...', {});
}

/** An `error` event; `requestId` absent when the failing frame could not be attributed. */
export function errorEvent(code: string, message: string, requestId?: string, details?: unknown): ProtocolErrorEvent {
  const error = { code, message };
  const data: ProtocolErrorEvent['data'] = { error };
  if (requestId !== undefined) data.requestId = requestId;
  if (details !== undefined) data.details = details;
  const event: ProtocolErrorEvent = { type: 'error', error: { ...error }, data, timestamp: Date.now() };
  if (requestId !== undefined) event.requestId = requestId;
  return event;
}

export function streamToken(requestId: string, token: string): StreamTokenEvent {
  return { type: 'stream_token', requestId, token, data: { requestId, token }, timestamp: Date.now() };
}

export function toolCallChunk(requestId: string, name: string, args: Record<string, unknown>): StreamChunkEvent {
  return {
    type: 'stream_chunk',
    requestId,
    node: name,
    data: { requestId, node: name, state: { rawResponse: { toolCall: { name, arguments: args } } } },
    timestamp: Date.now(),
  };
}

export function toolResultChunk(requestId: string, toolResult: ToolResult): StreamChunkEvent {
  const node = toolResult.name;
  return {
    type: 'stream_chunk',
    requestId,
    node,
    data: { requestId, node, state: { rawResponse: { toolResult } } },
    timestamp: Date.now(),
  };
}

export function writeConfirmationRequired(requestId: string, toolName: string): WriteConfirmationRequiredEvent {
  return {
    type: 'write_confirmation_required',
    requestId,
    data: { requestId, data: { toolId: toolName, actionDescription: `Approve calling tool '${toolName}'?` } },
    timestamp: Date.now(),
  };
}

export function interactionRequired(
  requestId: string,
  interaction: { interactionId: string; kind: string; spec: Record<string, unknown>; reason?: string },
): InteractionRequiredEvent {
  return { type: 'interaction_required', requestId, data: { requestId, data: { ...interaction } }, timestamp: Date.now() };
}

export function interactionInvalid(
  requestId: string,
  interactionId: string,
  kind: string,
  errors: InteractionFieldError[],
): InteractionInvalidEvent {
  return {
    type: 'interaction_invalid',
    requestId,
    data: { requestId, data: { interactionId, kind, errors, message: 'Some fields need attention.' } },
    timestamp: Date.now(),
  };
}

export function otpVerificationRequired(requestId: string, toolName: string): OtpVerificationRequiredEvent {
  return {
    type: 'otp_verification_required',
    requestId,
    data: {
      requestId,
      data: {
        toolId: toolName,
        actionDescription: `Verify your identity to continue using '${toolName}'.`,
        availableChannels: ['email'],
        authLevel: 'end_user',
      },
    },
    timestamp: Date.now(),
  };
}

export function otpSent(requestId: string, maskedDestination: string | undefined): OtpSentEvent {
  const data: OtpSentEvent['data']['data'] = { channel: 'email' };
  if (maskedDestination !== undefined) data.maskedDestination = maskedDestination;
  return { type: 'otp_sent', requestId, data: { requestId, data }, timestamp: Date.now() };
}

export function otpVerified(requestId: string): OtpVerifiedEvent {
  return { type: 'otp_verified', requestId, data: { requestId, data: { message: 'Identity verified successfully.' } }, timestamp: Date.now() };
}

export function otpInvalid(requestId: string, attemptsRemaining: number): OtpInvalidEvent {
  const data =
    attemptsRemaining > 0
      ? { attemptsRemaining, message: `Invalid code. ${attemptsRemaining} attempt(s) remaining.`, error: 'INVALID_CODE' }
      : { attemptsRemaining: 0, message: 'Too many invalid attempts. Verification is locked.', error: 'MAX_ATTEMPTS' };
  return { type: 'otp_invalid', requestId, data: { requestId, data }, timestamp: Date.now() };
}

export interface TurnOutcome {
  readonly messageId: string;
  readonly text: string;
  /** Model calls made by the turn; usage is summed over them. */
  readonly modelCalls: number;
  /** Present only when the server has knowledge documents. */
  readonly citations?: Citation[];
}

export function eventualResponse(requestId: string, outcome: TurnOutcome): EventualResponseEvent {
  const calls = outcome.modelCalls;
  const result: EventualResponseEvent['data']['data'] = {
    messageId: outcome.messageId,
    response: {
      responseParts: [outcome.text],
      customerHappinessScore: 0.5,
      needsSatisfactionScore: 0.5,
      requestSummary: '',
      resolutionStatus: 'in_progress',
      suggestedNextActions: [],
    },
    needsEscalation: false,
    usage: {
      // Integer micro-dollars first: 3 × 3.5e-05 must be 0.000105, not 0.00010500000000000001.
      costUsd: (calls * USAGE_PER_CALL.costMicroUsd) / 1e6,
      promptTokens: calls * USAGE_PER_CALL.promptTokens,
      completionTokens: calls * USAGE_PER_CALL.completionTokens,
    },
  };
  if (outcome.citations !== undefined) result.citations = outcome.citations;
  return { type: 'eventual_response', requestId, status: 200, data: { requestId, status: 200, data: result }, timestamp: Date.now() };
}

export function cancelled(requestId: string): CancelledEvent {
  return { type: 'cancelled', status: 499, data: { status: 499, requestId }, timestamp: Date.now(), requestId };
}

export function pong(requestId: string): PongEvent {
  const timestamp = Date.now();
  return { type: 'pong', requestId, timestamp, data: { timestamp } };
}

/** Splits answer text into about three pieces, anywhere (mid-word), never inside a code point. */
export function splitIntoTokens(text: string, pieces = 3): string[] {
  const chars = Array.from(text);
  if (chars.length === 0) return [];
  const size = Math.ceil(chars.length / pieces);
  const tokens: string[] = [];
  for (let i = 0; i < chars.length; i += size) tokens.push(chars.slice(i, i + size).join(''));
  return tokens;
}
