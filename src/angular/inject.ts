import { DestroyRef, assertInInjectionContext, inject, type Signal } from '@angular/core';
import type { SmoothClient } from '../client/client.js';
import type { ConnectionState } from '../client/connection.js';
import type { SessionOptions, SmoothSession } from '../client/session.js';
import { CONNECTION_STATE, SMOOTH_CLIENT } from './tokens.js';

/**
 * The client of the nearest environment injector with `provideSmoothOperator()`: one per
 * injector, closed when it is destroyed. Its Observables deliver inside the Angular zone (under
 * zone.js) while the socket lives outside it. On the server platform it is inert: it opens no
 * socket and its Observables never emit nor complete (`state$` stays `idle`).
 * Call it in an injection context (a constructor, a field initializer, a provider factory).
 *
 * @example
 * export class Conversations {
 *   private readonly client = injectSmoothClient();
 *   readonly list = toSignal(this.client.listConversations(), { initialValue: [] });
 * }
 */
export function injectSmoothClient(): SmoothClient {
  assertInInjectionContext(injectSmoothClient);
  return inject(SMOOTH_CLIENT);
}

/**
 * A session handle (`client.session(options)`) that lives as long as the current injection
 * context: in a component it is closed when the component is destroyed, which stops its running
 * turn (one `cancel`) and releases the connection. In a service, with the service's injector.
 * In the context of an injector already destroyed it throws Angular's error (NG0911) and opens
 * no handle.
 *
 * @example
 * @Component({ template: `<p>{{ answer() }}</p>` })
 * export class Chat {
 *   private readonly session = injectSmoothSession({ agentId: 'support', userName: 'Alice' });
 *   readonly answer = signal('');
 *   send(message: string) {
 *     this.session.turn(message).pipe(text()).subscribe((a) => this.answer.set(a));
 *   }
 * }
 */
export function injectSmoothSession(options: SessionOptions): SmoothSession {
  assertInInjectionContext(injectSmoothSession);
  const client = inject(SMOOTH_CLIENT);
  // Registered before the handle exists: on a destroyed injector `onDestroy` throws (NG0911)
  // and no handle is left open with nothing to close it.
  let session: SmoothSession | undefined;
  inject(DestroyRef).onDestroy(() => session?.close());
  session = client.session(options);
  return session;
}

/**
 * The client's connection state as a signal (`state$`, read synchronously): `idle` until first
 * use, then `connecting`, `open`, `reconnecting` (with the attempt and delay)… One subscription per
 * client, shared by every caller. Stays `idle` on the server platform.
 *
 * @example
 * readonly state = injectConnectionState();
 * readonly banner = computed(() => (this.state().status === 'reconnecting' ? 'Reconnecting…' : ''));
 */
export function injectConnectionState(): Signal<ConnectionState> {
  assertInInjectionContext(injectConnectionState);
  return inject(CONNECTION_STATE);
}
