/**
 * Builders of the frames a smooth-operator server sends, shaped (and field-ordered) like the
 * frames recorded from reference servers; shared by the testing controller (public as
 * `serverFrames`) and the mock server. Each returns its generated wire type, and each result
 * passes `validateEvent`. Timestamps are `asyncScheduler.now()`: epoch ms in real time, the
 * virtual frame inside `TestScheduler.run()` (so frames built in a marble test are deterministic).
 *
 * @example
 * socket.receive(tokenFrame('rx-1', 'Hel'));
 */
import { asyncScheduler } from 'rxjs';
import type {
  AgentResponse,
  CancelledEvent,
  Citation,
  ConversationList,
  ConversationMessagesPage,
  EventualResponseEvent,
  EventualResult,
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
  Session,
  StreamChunkEvent,
  StreamChunkState,
  StreamPreambleEvent,
  StreamReasoningEvent,
  StreamTokenEvent,
  Usage,
  WriteConfirmationRequiredEvent,
} from '../generated/types.js';

const now = (): number => asyncScheduler.now();

/** `immediate_response`: 200 answers a request or a resume; 202 accepts a turn. */
export function immediateFrame(requestId: string, status: 200 | 202, message: string, data: Record<string, unknown>): ImmediateResponseEvent {
  return { type: 'immediate_response', status, message, data, timestamp: now(), requestId };
}

/** The 202 that accepts a `send_message`: `data` is `{}`. */
export function acceptedFrame(requestId: string): ImmediateResponseEvent {
  return immediateFrame(requestId, 202, 'Processing your request...', {});
}

/** A piece of the answer (`stream_token`); the token is mirrored in `data`. */
export function tokenFrame(requestId: string, token: string): StreamTokenEvent {
  return { type: 'stream_token', requestId, token, data: { requestId, token }, timestamp: now() };
}

/** A piece of the reasoning channel (`stream_reasoning`). */
export function reasoningFrame(requestId: string, token: string): StreamReasoningEvent {
  return { type: 'stream_reasoning', requestId, token, data: { requestId, token }, timestamp: now() };
}

/** A piece of the preamble (`stream_preamble`). */
export function preambleFrame(requestId: string, token: string): StreamPreambleEvent {
  return { type: 'stream_preamble', requestId, token, data: { requestId, token }, timestamp: now() };
}

/** A `stream_chunk` of `node` carrying `state` (tool activity rides in `state.rawResponse`). */
export function chunkFrame(requestId: string, node: string, state: StreamChunkState): StreamChunkEvent {
  return { type: 'stream_chunk', requestId, node, data: { requestId, node, state }, timestamp: now() };
}

/** The model called a tool: a chunk whose node is the tool, with `rawResponse.toolCall`. */
export function toolCallFrame(requestId: string, name: string, args: Record<string, unknown> = {}): StreamChunkEvent {
  return chunkFrame(requestId, name, { rawResponse: { toolCall: { name, arguments: args } } });
}

/** A tool ran (or was denied, `isError`): a chunk with `rawResponse.toolResult`; `result` is text. */
export function toolResultFrame(requestId: string, name: string, result: string, isError = false): StreamChunkEvent {
  return chunkFrame(requestId, name, { rawResponse: { toolResult: { name, isError, result } } });
}

/** `write_confirmation_required`: the turn parks until `confirm_tool_action`. */
export function writeConfirmationFrame(requestId: string, toolId: string, actionDescription = `Approve calling tool '${toolId}'?`): WriteConfirmationRequiredEvent {
  return { type: 'write_confirmation_required', requestId, data: { requestId, data: { toolId, actionDescription } }, timestamp: now() };
}

/** What an `interaction_required` asks for. */
export interface InteractionAsk {
  interactionId: string;
  /** `identity_intake`, `choices`, or another kind. */
  kind: string;
  spec: Record<string, unknown>;
  reason?: string;
}

/** `interaction_required`: the turn parks until `submit_interaction`. */
export function interactionRequiredFrame(requestId: string, ask: InteractionAsk): InteractionRequiredEvent {
  const data: InteractionRequiredEvent['data']['data'] = { interactionId: ask.interactionId, kind: ask.kind, spec: ask.spec };
  if (ask.reason !== undefined) data.reason = ask.reason;
  return { type: 'interaction_required', requestId, data: { requestId, data }, timestamp: now() };
}

/** `interaction_invalid`: the submitted values were rejected; the turn stays parked. `kind` is omitted when undefined. */
export function interactionInvalidFrame(
  requestId: string,
  interactionId: string,
  kind: string | undefined,
  errors: InteractionFieldError[],
  message = 'Some fields need attention.',
): InteractionInvalidEvent {
  const data = { interactionId, ...(kind !== undefined ? { kind } : {}), errors, message };
  return { type: 'interaction_invalid', requestId, data: { requestId, data }, timestamp: now() };
}

/** How `otp_verification_required` describes the gate. */
export interface OtpAsk {
  toolId: string;
  /** @default "Verify your identity to continue using '<toolId>'." */
  actionDescription?: string;
  /** @default ['email'] */
  availableChannels?: string[];
  /** @default 'end_user' */
  authLevel?: string;
}

/** `otp_verification_required`: the auth gate refused a tool; the turn goes on without it. */
export function otpRequiredFrame(requestId: string, ask: OtpAsk): OtpVerificationRequiredEvent {
  const data = {
    toolId: ask.toolId,
    actionDescription: ask.actionDescription ?? `Verify your identity to continue using '${ask.toolId}'.`,
    availableChannels: ask.availableChannels ?? ['email'],
    authLevel: ask.authLevel ?? 'end_user',
  };
  return { type: 'otp_verification_required', requestId, data: { requestId, data }, timestamp: now() };
}

/** `otp_sent`: a code was dispatched. */
export function otpSentFrame(requestId: string, channel = 'email', maskedDestination?: string): OtpSentEvent {
  const data: OtpSentEvent['data']['data'] = { channel };
  if (maskedDestination !== undefined) data.maskedDestination = maskedDestination;
  return { type: 'otp_sent', requestId, data: { requestId, data }, timestamp: now() };
}

/** `otp_verified`: answers `verify_otp`; the session is verified. */
export function otpVerifiedFrame(requestId: string, message = 'Identity verified successfully.'): OtpVerifiedEvent {
  return { type: 'otp_verified', requestId, data: { requestId, data: { message } }, timestamp: now() };
}

/** `otp_invalid`: answers `verify_otp`; `attemptsRemaining` 0 means locked (`MAX_ATTEMPTS`). */
export function otpInvalidFrame(requestId: string, attemptsRemaining: number, error = attemptsRemaining > 0 ? 'INVALID_CODE' : 'MAX_ATTEMPTS'): OtpInvalidEvent {
  const message = attemptsRemaining > 0 ? `Invalid code. ${attemptsRemaining} attempt(s) remaining.` : 'Too many invalid attempts. Verification is locked.';
  return { type: 'otp_invalid', requestId, data: { requestId, data: { attemptsRemaining, message, error } }, timestamp: now() };
}

/** What an `eventual_response` says; everything but the text has a reference-server default. */
export interface ResponseInit {
  /** The answer as one part; ignored when `parts` is given. @default '' */
  text?: string;
  /** `response.responseParts`. @default [text] */
  parts?: string[];
  citations?: Citation[];
  /** @default 10 prompt / 5 completion tokens, 0.000035 USD (one scripted model call) */
  usage?: Usage;
  /** @default 'msg-<requestId>' */
  messageId?: string;
  /** @default false */
  needsEscalation?: boolean;
  escalationReason?: string | null;
  directive?: Record<string, unknown> | null;
  /** Overrides of the other `response` fields (scores, summary, resolution, next actions). */
  response?: Omit<Partial<AgentResponse>, 'responseParts'>;
}

/** `eventual_response` (200): the terminal frame of a successful turn. */
export function eventualFrame(requestId: string, init: string | ResponseInit = {}): EventualResponseEvent {
  const options = typeof init === 'string' ? { text: init } : init;
  const result: EventualResult = {
    messageId: options.messageId ?? `msg-${requestId}`,
    response: {
      responseParts: options.parts ?? [options.text ?? ''],
      customerHappinessScore: 0.5,
      needsSatisfactionScore: 0.5,
      requestSummary: '',
      resolutionStatus: 'in_progress',
      suggestedNextActions: [],
      ...options.response,
    },
    needsEscalation: options.needsEscalation ?? false,
    usage: options.usage ?? { costUsd: 0.000035, promptTokens: 10, completionTokens: 5 },
  };
  if (options.escalationReason !== undefined) result.escalationReason = options.escalationReason;
  if (options.citations !== undefined) result.citations = options.citations;
  if (options.directive !== undefined) result.directive = options.directive;
  return { type: 'eventual_response', requestId, status: 200, data: { requestId, status: 200, data: result }, timestamp: now() };
}

/** `cancelled` (499): the terminal frame of a stopped turn, on the turn's requestId. */
export function cancelledFrame(requestId: string): CancelledEvent {
  return { type: 'cancelled', status: 499, data: { status: 499, requestId }, timestamp: now(), requestId };
}

/** `error`: `requestId` undefined for errors a server cannot attribute (unparseable JSON). */
export function errorFrame(requestId: string | undefined, code: string, message: string = defaultErrorMessage(code), details?: unknown): ProtocolErrorEvent {
  const data: ProtocolErrorEvent['data'] = { error: { code, message } };
  if (requestId !== undefined) data.requestId = requestId;
  if (details !== undefined) data.details = details;
  const event: ProtocolErrorEvent = { type: 'error', error: { code, message }, data, timestamp: now() };
  if (requestId !== undefined) event.requestId = requestId;
  return event;
}

/** `pong`: answers `ping`. */
export function pongFrame(requestId: string): PongEvent {
  const timestamp = now();
  return { type: 'pong', requestId, timestamp, data: { timestamp } };
}

/** A session descriptor (the data answering `create_conversation_session` / `get_session`). */
export function sessionData(overrides: Partial<Session> = {}): Session {
  return {
    sessionId: 'session-1',
    conversationId: 'conversation-1',
    agentId: 'agent-1',
    agentName: 'smooth-agent',
    userParticipantId: 'participant-user-1',
    agentParticipantId: 'participant-agent-1',
    ...overrides,
  };
}

/** A page of history (the data answering `get_conversation_messages`). */
export function messagesPageData(overrides: Partial<ConversationMessagesPage> = {}): ConversationMessagesPage {
  return { messages: [], nextCursor: null, hasMore: false, ...overrides };
}

/** The data answering `list_conversations`. */
export function conversationListData(conversations: ConversationList['conversations'] = []): ConversationList {
  return { conversations };
}

/**
 * Splits text into about `pieces` stream pieces, anywhere (mid-word) like reference servers, but
 * never inside a code point. Empty text gives no pieces.
 */
export function splitTokens(text: string, pieces = 3): string[] {
  const chars = Array.from(text);
  if (chars.length === 0) return [];
  const size = Math.ceil(chars.length / Math.max(1, pieces));
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size).join(''));
  return out;
}

const ERROR_MESSAGES: Readonly<Record<string, string>> = {
  SESSION_NOT_FOUND: 'Session not found',
  TURN_IN_PROGRESS: 'A turn is already in progress on this connection',
  NO_PENDING_CONFIRMATION: 'No pending confirmation for this session',
  NO_PENDING_INTERACTION: 'No pending interaction for this session',
  INTERACTION_MISMATCH: 'The interaction does not match the pending one',
  SKILL_NOT_FOUND: 'Skill not found',
  VALIDATION_ERROR: 'Invalid request',
  UNSUPPORTED_ACTION: 'Unsupported action',
  INTERNAL_ERROR: 'Internal error',
};

function defaultErrorMessage(code: string): string {
  return ERROR_MESSAGES[code] ?? code.toLowerCase().replace(/_/g, ' ');
}
