import { NEVER, Observable, Subject, concat, defer, of, throwError } from 'rxjs';
import type { SmoothClient } from '../client/client.js';
import type { ConnectionState } from '../client/connection.js';
import { CLIENT_MEMBERS, SESSION_MEMBERS, type MemberKind } from '../client/members.js';
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
  return silent(CLIENT_MEMBERS, {
    state$: concat(of(IDLE), NEVER),
    session: (options: SessionOptions) => serverPlatformSession(options),
  }) as SmoothClient;
}

function serverPlatformSession(options: SessionOptions): SmoothSession {
  const info = new Subject<never>();
  let closed = false;
  return silent(SESSION_MEMBERS, {
    info$: info.asObservable(),
    conversationId: options.conversationId,
    cancel: () => false,
    close: () => {
      closed = true;
      info.complete();
    },
  }, () => defer(() => (closed ? throwError(() => new SmoothSessionClosedError()) : NEVER))) as SmoothSession;
}

/**
 * Every member of `members` silent as its kind says (a stream never emits, a call returns one, an
 * action does nothing, a value is `undefined`), but those `given`: derived, so that none is forgotten.
 */
function silent(members: Readonly<Record<string, MemberKind>>, given: Record<string, unknown>, call: () => Observable<never> = () => NEVER): object {
  const stub: Record<string, unknown> = {};
  for (const [key, kind] of Object.entries(members)) {
    stub[key] = key in given ? given[key] : kind === 'stream' ? NEVER : kind === 'call' ? call : kind === 'value' ? undefined : () => undefined;
  }
  return stub;
}
