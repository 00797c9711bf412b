/**
 * What the chat says about its connection once it is up: a line per reconnect attempt, one when
 * the socket is back, the error that ends the chat when the client gives up, and the line of a
 * turn that a lost connection cut short.
 */
import type { Observable, Subscription } from 'rxjs';
import type { ChatFault } from '../chat/index.js';
import type { ConnectionState } from '../client/connection.js';
import { SmoothConnectionError, type SmoothConnectionLostError } from '../errors.js';

type Reconnecting = Extract<ConnectionState, { status: 'reconnecting' }>;

/** `connection closed 1006`, `connection closed 1012 service restart`, or the failure's reason (`connect ECONNREFUSED …`). */
function causeOf(closeCode: number | undefined, reason: string | undefined): string | undefined {
  if (closeCode !== undefined) return `connection closed ${closeCode}${reason ? ` ${reason}` : ''}`;
  return reason ? reason : undefined;
}

/**
 * `reconnecting (attempt 2)… (connect ECONNREFUSED 127.0.0.1:8787; next try in 3 s)`: the cause,
 * and the wait when it is long enough for a person to wonder (back-off grows to half a minute).
 */
export function reconnectingNotice(state: Reconnecting): string {
  // A no-break space: a wrapped line keeps "3 s" together.
  const details = [causeOf(state.closeCode, state.reason), state.delayMs >= 1000 ? `next try in ${Math.round(state.delayMs / 1000)}\u00a0s` : undefined].filter(
    (part) => part !== undefined,
  );
  return `  reconnecting (attempt ${state.attempt})…${details.length > 0 ? ` (${details.join('; ')})` : ''}`;
}

export const RECONNECTED_NOTICE = '  reconnected';

export interface StoryTeller {
  /**
   * A line of the story (not styled). `progress` (a reconnect attempt) may be replaced by the
   * next line of the story; `last` (reconnected) ends that progress and stays.
   */
  notice(line: string, kind: 'progress' | 'last'): void;
}

export interface ConnectionStory {
  readonly subscription: Subscription;
  /** Reconnect attempts made since the socket was last open (what a give-up reports). */
  readonly attempts: number;
}

/**
 * Tells the story of a connection that is up: a notice per reconnect attempt, and one when a
 * socket is open again. Each `state$` change is one line at most (the client emits
 * `reconnecting` once per attempt). The end of the chat, when the client gives up, is the chat's
 * to say (its state's `error`): see {@link gaveUpError}.
 */
export function tellConnectionStory(state$: Observable<ConnectionState>, teller: StoryTeller): ConnectionStory {
  let attempts = 0;
  const subscription = state$.subscribe((state) => {
    if (state.status === 'reconnecting') {
      attempts = state.attempt;
      teller.notice(reconnectingNotice(state), 'progress');
    } else if (state.status === 'open' && attempts > 0) {
      attempts = 0;
      teller.notice(RECONNECTED_NOTICE, 'last');
    }
  });
  return {
    subscription,
    get attempts() {
      return attempts;
    },
  };
}

/** Whether the chat's fault is the client giving up: the chat cannot go on. */
export const isGivingUp = (fault: ChatFault | undefined): fault is ChatFault => fault?.code === 'CONNECTION_REFUSED' || fault?.code === 'RETRIES_EXHAUSTED';

/**
 * The error that ends the chat when the client gives up, typed like the errors of a refused first
 * connection so the same hints apply (a close code 4001/4003/1008 says `check --token`).
 * @param fault the chat's `CONNECTION_REFUSED` or `RETRIES_EXHAUSTED`
 * @param attempts the reconnect attempts made (for `RETRIES_EXHAUSTED`)
 */
export function gaveUpError(fault: ChatFault, attempts: number): SmoothConnectionError {
  const error = fault.error instanceof SmoothConnectionError ? fault.error : undefined;
  const closeCode = error?.closeCode;
  const reason = error?.reason;
  const cause = closeCode !== undefined ? `the connection closed (${closeCode}${reason ? ` ${reason}` : ''})` : `the connection failed${reason ? `: ${reason}` : ''}`;
  const message = fault.code === 'RETRIES_EXHAUSTED' ? `gave up reconnecting after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${cause}` : cause;
  return new SmoothConnectionError(closeCode !== undefined ? 'CONNECTION_CLOSED' : 'CONNECTION_ERROR', message, closeCode, reason);
}

/** What a parked turn was waiting for, as a person would say it. */
function waitedFor(ask: NonNullable<SmoothConnectionLostError['pendingAsk']>): string {
  if (ask.type === 'write_confirmation_required') return `your OK to run ${ask.data.data.toolId}`;
  if (ask.type === 'interaction_required') {
    const kind = ask.data.data.kind;
    return kind === 'identity_intake' ? 'your contact details' : kind === 'choices' ? 'your choice' : 'your answer';
  }
  return 'your answer';
}

/**
 * `✗ the connection dropped while the agent waited for your contact details (connection closed
 * 1006); send your message again to go on` (without the `✗`): the turn is gone with its socket,
 * and if it was parked, the question it was parked on is gone too (parks do not survive a
 * disconnect), so the person knows what to ask again.
 */
export function interruptedNotice(error: SmoothConnectionLostError): string {
  const ask = error.pendingAsk;
  const what = ask === undefined ? 'the connection dropped before the answer was complete' : `the connection dropped while the agent waited for ${waitedFor(ask)}`;
  const cause = causeOf(error.closeCode, error.reason) ?? error.message;
  return `${what} (${cause}); send your message again to go on`;
}
