export * from './generated/types.js';
export {
  validateAction,
  validateEvent,
  type InvalidFrame,
  type UnknownFrameType,
  type ValidFrame,
  type ValidationIssue,
  type ValidationResult,
} from './validation/validate.js';
export { createSmoothClient, type AllMessagesOptions, type CreateSessionOptions, type GetMessagesOptions, type SmoothClient } from './client/client.js';
export type { SessionOptions, SessionTurnRequest, SmoothSession } from './client/session.js';
export type { CloseDetails, EndpointValue, SmoothClientOptions, WebSocketImplementation } from './client/options.js';
export type { ClosedWhy, ConnectionState, ConnectionStatus } from './client/connection.js';
export type { Diagnostic, DiagnosticKind } from './client/diagnostics.js';
export { withToken } from './client/url.js';
export { connectionPool, type ConnectionPoolOptions, type SmoothConnectionPool } from './client/pool.js';
export { turnOf, findTurnOf, type AnyInteractionValues, type InteractionAnswer, type TurnContext, type TurnRequest, type TurnStatus } from './turn/context.js';
export type { ConfirmOutcome, InteractionOutcome, OtpOutcome, TurnEndEvent, TurnEvent, TurnEventOf, TurnEventType } from './turn/turn-event.js';
export {
  SmoothConnectionError,
  SmoothConnectionLostError,
  SmoothConversationLostError,
  SmoothError,
  SmoothInvalidActionError,
  SmoothInvalidFrameError,
  SmoothNoTurnContextError,
  SmoothProtocolError,
  SmoothSessionClosedError,
  SmoothTimeoutError,
  SmoothTurnEndedError,
  SmoothTurnInProgressError,
  type ConnectionErrorCode,
  type TimeoutCode,
} from './errors.js';
export * from './chat/index.js';
