/**
 * What the chat says about its connection once it is up: a line per reconnect attempt, one when
 * the socket is back, the error that ends the chat when the client gives up, and the line of a
 * turn that a lost connection cut short.
 */
import type { Observable, Subscription } from 'rxjs';
import type { ConnectionState } from '../client/connection.js';
import { SmoothConnectionError, type SmoothConnectionLostError } from '../errors.js';

type Reconnecting = Extract<ConnectionState, { status: 'reconnecting' }>;
type Closed = Extract<ConnectionState, { status: 'closed' }>;

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

/** Whether this state is the client giving up: the chat cannot go on. */
function isGivingUp(state: ConnectionState): state is Closed & { why: 'fatal' | 'retries-exhausted' } {
  return state.status === 'closed' && (state.why === 'fatal' || state.why === 'retries-exhausted');
}

export interface StoryTeller {
  /**
   * A line of the story (not styled). `progress` (a reconnect attempt) may be replaced by the
   * next line of the story; `last` (reconnected) ends that progress and stays.
   */
  notice(line: string, kind: 'progress' | 'last'): void;
  /** The client gave up: the error to end the chat with. */
  gaveUp(error: SmoothConnectionError): void;
}

/**
 * Tells the story of a connection that is up: a notice per reconnect attempt, one when a socket
 * is open again, and `gaveUp` once when the client stops trying. Each `state$` change is one
 * line at most (the client emits `reconnecting` once per attempt).
 */
export function tellConnectionStory(state$: Observable<ConnectionState>, teller: StoryTeller): Subscription {
  let attempts = 0;
  return state$.subscribe((state) => {
    if (state.status === 'reconnecting') {
      attempts = state.attempt;
      teller.notice(reconnectingNotice(state), 'progress');
    } else if (state.status === 'open' && attempts > 0) {
      attempts = 0;
      teller.notice(RECONNECTED_NOTICE, 'last');
    } else if (isGivingUp(state)) {
      teller.gaveUp(gaveUpError(state, attempts));
    }
  });
}

/**
 * The error that ends the chat when the client gives up, typed like the errors of a refused first
 * connection so the same hints apply (a close code 4001/4003/1008 says `check --token`).
 * @param attempts the reconnect attempts made (for `retries-exhausted`)
 */
export function gaveUpError(state: Closed & { why: 'fatal' | 'retries-exhausted' }, attempts: number): SmoothConnectionError {
  const cause = state.closeCode !== undefined ? `the connection closed (${state.closeCode}${state.reason ? ` ${state.reason}` : ''})` : `the connection failed${state.reason ? `: ${state.reason}` : ''}`;
  const message = state.why === 'retries-exhausted' ? `gave up reconnecting after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${cause}` : cause;
  return new SmoothConnectionError(state.closeCode !== undefined ? 'CONNECTION_CLOSED' : 'CONNECTION_ERROR', message, state.closeCode, state.reason);
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
