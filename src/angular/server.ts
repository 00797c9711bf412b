import { NEVER, Observable, Subject, concat, defer, of, throwError } from 'rxjs';
import type { SmoothClient } from '../client/client.js';
import type { ConnectionState } from '../client/connection.js';
import type { SessionOptions, SmoothSession } from '../client/session.js';
import { SmoothSessionClosedError } from '../errors.js';

const IDLE: ConnectionState = { status: 'idle' };

/**
 * The client on the server platform (SSR, prerendering): it opens no socket and arms no timer,
 * and its Observables stay silent: they never emit, never complete and never error, so a
 * `toSignal(…, { initialValue })` renders its initial value and nothing holds the render back.
 * `state$` emits `idle` and stays there. Session handles behave the same until `close()`, after
 * which their methods fail with `SESSION_CLOSED` as in the browser.
 */
export function serverPlatformClient(): SmoothClient {
  return {
    state$: concat(of(IDLE), NEVER),
    diagnostics$: NEVER,
    createSession: () => NEVER,
    getSession: () => NEVER,
    getMessages: () => NEVER,
    allMessages: () => NEVER,
    listConversations: () => NEVER,
    ping: () => NEVER,
    turn: () => NEVER,
    session: (options) => serverPlatformSession(options),
    close: () => undefined,
  };
}

function serverPlatformSession(options: SessionOptions): SmoothSession {
  const info = new Subject<never>();
  let closed = false;
  const silent = <T>(): Observable<T> => defer(() => (closed ? throwError(() => new SmoothSessionClosedError()) : NEVER));
  return {
    info$: info.asObservable(),
    info: undefined,
    conversationId: options.conversationId,
    open: silent,
    turn: silent,
    history: silent,
    historyPage: silent,
    cancel: () => false,
    close: () => {
      closed = true;
      info.complete();
    },
  };
}
