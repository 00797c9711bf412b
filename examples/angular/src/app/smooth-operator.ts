/**
 * A local stand-in for `smooth-operator-rx/angular`, with the binding's names and shapes, written
 * against the core API. When the package's Angular entry is available, import these names from
 * 'smooth-operator-rx/angular' instead and delete this file: nothing else in the app changes.
 */
import { DestroyRef, InjectionToken, inject, makeEnvironmentProviders, type EnvironmentProviders, type Signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { createSmoothClient, type ConnectionState, type SessionOptions, type SmoothClient, type SmoothClientOptions, type SmoothSession } from 'smooth-operator-rx';

const SMOOTH_OPERATOR_CONFIG = new InjectionToken<SmoothClientOptions>('SMOOTH_OPERATOR_CONFIG');

/** The client of the environment injector; closed (code 1000) when that injector is destroyed. */
const SMOOTH_CLIENT = new InjectionToken<SmoothClient>('SMOOTH_CLIENT', {
  providedIn: 'root',
  factory: () => {
    const client = createSmoothClient(inject(SMOOTH_OPERATOR_CONFIG));
    inject(DestroyRef).onDestroy(() => client.close());
    return client;
  },
});

/** Standalone provider: `bootstrapApplication(App, { providers: [provideSmoothOperator({ url })] })`. */
export function provideSmoothOperator(config: SmoothClientOptions): EnvironmentProviders {
  return makeEnvironmentProviders([{ provide: SMOOTH_OPERATOR_CONFIG, useValue: config }]);
}

/** The app's client (one socket for the whole app). Call in an injection context. */
export function injectSmoothClient(): SmoothClient {
  return inject(SMOOTH_CLIENT);
}

/** A session handle that lives as long as the calling component or service: closed on destroy. */
export function injectSmoothSession(options: SessionOptions): SmoothSession {
  const session = injectSmoothClient().session(options);
  inject(DestroyRef).onDestroy(() => session.close());
  return session;
}

/** The connection's state as a signal (`idle` until something uses the client). */
export function injectConnectionState(): Signal<ConnectionState> {
  return toSignal(injectSmoothClient().state$, { initialValue: { status: 'idle' } });
}
