import { SmoothConnectionLostError, SmoothError, SmoothProtocolError, SmoothTimeoutError } from '../errors.js';
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
