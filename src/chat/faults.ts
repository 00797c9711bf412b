import { SmoothConnectionLostError, SmoothError, SmoothProtocolError, SmoothTimeoutError } from '../errors.js';
import type { ConnectionState } from '../client/connection.js';
import type { ChatFault } from './types.js';

/** Server codes for a failure of the moment: the same message may go through if sent again. */
const TRANSIENT_SERVER_CODES = new Set(['LLM_UNAVAILABLE', 'AGENT_ERROR', 'INTERNAL_ERROR', 'STORAGE_ERROR', 'RATE_LIMITED', 'TURN_IN_PROGRESS', 'SESSION_NOT_FOUND']);

/** An error as the chat shows it. Anything that is not this package's error is a bug somewhere: shown, not retried. */
export function faultOf(error: unknown): ChatFault {
  if (!(error instanceof SmoothError)) {
    return { code: 'UNKNOWN', message: error instanceof Error ? error.message : String(error), retryable: false, error };
  }
  const retryable =
    error instanceof SmoothConnectionLostError ? error.retryable : error instanceof SmoothTimeoutError || (error instanceof SmoothProtocolError && TRANSIENT_SERVER_CODES.has(error.code));
  return { code: error.code, message: error.message, retryable, error };
}

/** A turn cut by a socket that is coming back: the message shows it; the chat is not in error. */
export const isPassingLoss = (error: unknown): boolean => error instanceof SmoothConnectionLostError && error.retryable;

/**
 * A fault the chat itself finds: `ASK_CLOSED` (an answer to an ask that no longer waits),
 * `TURN_STOPPED` (a message stopped before the server heard of it), `NO_TURN_CONTEXT` (an ask whose
 * turn is unknown), or the server's reason a one-time code is refused for good (`MAX_ATTEMPTS`,
 * `EXPIRED`, ...).
 */
export class SmoothChatError extends SmoothError {
  override readonly name = 'SmoothChatError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A fault of the chat's own finding, with its error. */
export function chatFault(code: string, message: string, retryable: boolean): ChatFault {
  return { code, message, retryable, error: new SmoothChatError(code, message) };
}

/**
 * The connection gave up (`closed` as `fatal` or `retries-exhausted`): the chat cannot go on until
 * something changes. `CONNECTION_REFUSED` (credentials, policy) is not retryable; `RETRIES_EXHAUSTED`
 * is (the server may come back).
 */
export function connectionFaultOf(state: ConnectionState): ChatFault | undefined {
  if (state.status !== 'closed' || (state.why !== 'fatal' && state.why !== 'retries-exhausted')) return undefined;
  const refused = state.why === 'fatal';
  const message = refused ? `the server refused the connection${state.closeCode !== undefined ? ` (${state.closeCode})` : ''}` : 'the server could not be reached';
  const error = new SmoothConnectionLostError(state.closeCode !== undefined ? 'CONNECTION_CLOSED' : 'CONNECTION_ERROR', message, state.closeCode, state.reason, undefined, false);
  return { code: refused ? 'CONNECTION_REFUSED' : 'RETRIES_EXHAUSTED', message, retryable: !refused, error };
}
