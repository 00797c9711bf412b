import type { ProtocolErrorEvent, ServerEvent } from './generated/types.js';
import type { ValidationIssue } from './validation/validate.js';

/**
 * Base of every error this package raises. `code` is stable: branch on it, not on the message.
 */
export abstract class SmoothError extends Error {
  abstract readonly code: string;
}

/** The server answered with an `error` event. `code` is the server's (open set, e.g. SESSION_NOT_FOUND). */
export class SmoothProtocolError extends SmoothError {
  override readonly name = 'SmoothProtocolError';
  readonly code: string;
  /** The requestId the error event carried, if any. */
  readonly requestId: string | undefined;
  /** `data.details` of the error event: any JSON. */
  readonly details: unknown;
  /** The error event as received. */
  readonly event: ProtocolErrorEvent;

  constructor(event: ProtocolErrorEvent) {
    super(event.data.error.message || event.data.error.code);
    this.code = event.data.error.code;
    this.requestId = event.requestId ?? event.data.requestId;
    this.details = event.data.details;
    this.event = event;
  }
}

export type TimeoutCode = 'REQUEST_TIMEOUT' | 'TURN_TIMEOUT';

/** A request got no answer in time (REQUEST_TIMEOUT), or a turn went quiet for too long (TURN_TIMEOUT). */
export class SmoothTimeoutError extends SmoothError {
  override readonly name = 'SmoothTimeoutError';
  constructor(
    readonly code: TimeoutCode,
    readonly requestId: string,
    readonly timeoutMs: number,
  ) {
    super(code === 'TURN_TIMEOUT' ? `turn ${requestId} had no event for ${timeoutMs} ms` : `request ${requestId} had no answer within ${timeoutMs} ms`);
  }
}

export type ConnectionErrorCode = 'CONNECTION_CLOSED' | 'CONNECTION_ERROR' | 'CLIENT_CLOSED' | 'INVALID_URL' | 'OUTBOX_FULL';

/**
 * The socket closed or failed under a request or turn (CONNECTION_CLOSED, CONNECTION_ERROR), the
 * client was closed (CLIENT_CLOSED), its `url` does not parse as a WebSocket URL (INVALID_URL,
 * secrets redacted), or too many actions wait for a socket that is not open (OUTBOX_FULL).
 * Servers abort a running turn on disconnect.
 */
export class SmoothConnectionError extends SmoothError {
  override readonly name: string = 'SmoothConnectionError';
  constructor(
    readonly code: ConnectionErrorCode,
    message: string,
    /** WebSocket close code, when the socket closed. */
    readonly closeCode?: number,
    readonly reason?: string,
  ) {
    super(message);
  }
}

/**
 * The socket went away under a turn or a request that cannot be re-sent by itself
 * (`CONNECTION_CLOSED` with the close code, or `CONNECTION_ERROR`). A turn is never re-sent for
 * it: the server may already have run a tool. `retryable`: the client is reconnecting (or will on
 * the next use), so the caller may start the turn again; `false` when it gave up for good (a
 * fatal close code such as 4001, `shouldRetry` said no, `retryAttempts` exhausted).
 * `pendingAsk` is the ask a parked turn was waiting on. `httpStatus`: the status of an HTTP
 * answer that refused the upgrade (Node only: browsers do not expose it).
 */
export class SmoothConnectionLostError extends SmoothConnectionError {
  override readonly name: string = 'SmoothConnectionLostError';
  constructor(
    code: 'CONNECTION_CLOSED' | 'CONNECTION_ERROR',
    message: string,
    closeCode?: number,
    reason?: string,
    /** The `write_confirmation_required` / `interaction_required` event the turn was parked on. */
    readonly pendingAsk?: ServerEvent,
    readonly retryable: boolean = true,
    readonly httpStatus?: number,
  ) {
    super(code, message, closeCode, reason);
  }

  /** The same loss, for a turn that was parked on `ask`. */
  withPendingAsk(ask: ServerEvent): SmoothConnectionLostError {
    return new SmoothConnectionLostError(this.code as 'CONNECTION_CLOSED' | 'CONNECTION_ERROR', this.message, this.closeCode, this.reason, ask, this.retryable, this.httpStatus);
  }
}

/** A frame answering a request or ending a turn failed validation; the caller gets this instead of a hang. */
export class SmoothInvalidFrameError extends SmoothError {
  override readonly name = 'SmoothInvalidFrameError';
  readonly code = 'INVALID_FRAME';
  constructor(
    readonly requestId: string,
    readonly frame: unknown,
    readonly errors: readonly ValidationIssue[],
  ) {
    super(`invalid frame for ${requestId}: ${errors.map((e) => e.message).join('; ')}`);
  }
}

/** An action this client was asked to send does not match the protocol's schema; nothing was sent. */
export class SmoothInvalidActionError extends SmoothError {
  override readonly name = 'SmoothInvalidActionError';
  readonly code = 'INVALID_ACTION';
  constructor(
    readonly action: unknown,
    readonly errors: readonly ValidationIssue[],
  ) {
    super(`invalid action: ${errors.map((e) => e.message).join('; ')}`);
  }
}

/**
 * A turn was started while another one runs on the connection and the client is configured to
 * fail fast (`turnConcurrency: 'fail'`). Same code as the server's rejection.
 */
export class SmoothTurnInProgressError extends SmoothError {
  override readonly name = 'SmoothTurnInProgressError';
  readonly code = 'TURN_IN_PROGRESS';
  constructor(readonly activeRequestId: string) {
    super(`a turn (${activeRequestId}) is already running on this connection`);
  }
}

/** An event was handed to `turnOf` that did not come out of a turn stream (or was copied). */
export class SmoothNoTurnContextError extends SmoothError {
  override readonly name = 'SmoothNoTurnContextError';
  readonly code = 'NO_TURN_CONTEXT';
  constructor() {
    super('this event did not come from a turn stream of this client (copies of events carry no turn)');
  }
}

/** A resume (`submitInteraction`, `confirm`) was attempted on a turn that has already ended. */
export class SmoothTurnEndedError extends SmoothError {
  override readonly name = 'SmoothTurnEndedError';
  readonly code = 'TURN_ENDED';
  constructor(readonly requestId: string) {
    super(`turn ${requestId} has ended`);
  }
}

/** A session handle was used after its `close()`. */
export class SmoothSessionClosedError extends SmoothError {
  override readonly name = 'SmoothSessionClosedError';
  readonly code = 'SESSION_CLOSED';
  constructor() {
    super('this session handle was closed');
  }
}

/**
 * The server no longer knows the handle's conversation: asked to resume `conversationId`, it
 * answered with a fresh one (`replacedBy`), as reference servers do for an id they lost (an
 * in-memory server restarted, another deployment). The handle does not move to the fresh
 * conversation by itself, which would mix two conversations under one handle: it ends, and every
 * use errors with this error. Start a new handle (or `chat.newConversation()`) to go on.
 */
export class SmoothConversationLostError extends SmoothError {
  override readonly name = 'SmoothConversationLostError';
  readonly code = 'CONVERSATION_LOST';
  constructor(
    readonly conversationId: string,
    /** The fresh conversation the server answered with; `undefined` when it refused (CONVERSATION_NOT_FOUND). */
    readonly replacedBy: string | undefined,
  ) {
    super(`the server no longer knows conversation ${conversationId}${replacedBy !== undefined ? ` (it answered the resume with ${replacedBy})` : ''}`);
  }
}
