import { DestroyRef, EnvironmentInjector, NgZone, PLATFORM_ID, inject, makeEnvironmentProviders, runInInjectionContext, type EnvironmentProviders, type Provider } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { createSmoothClient, type SmoothClient } from '../client/client.js';
import type { EndpointValue, SmoothClientOptions } from '../client/options.js';
import { serverPlatformClient } from './server.js';
import { CONNECTION_STATE, SMOOTH_CLIENT, SMOOTH_OPERATOR_CONFIG, SMOOTH_TESTING_OVERRIDES, type SmoothOperatorConfig, type TestingOverrides } from './tokens.js';
import { outsideAngularOptions, zonedClient } from './zone.js';

/**
 * Provides a smooth-operator client to an environment injector (the application, a lazy route):
 * `injectSmoothClient()`, `injectSmoothSession()` and `injectConnectionState()` then work below
 * it. Standalone API: no NgModule, nothing for the consumer's compiler to process. The client is
 * created on first injection (inside `NgZone.runOutsideAngular`), connects on first use, and is
 * closed when the injector is destroyed. On the server platform it never connects (see
 * `injectSmoothClient`).
 *
 * @param config the client's options, or a function returning them, run once in the injector's
 *   injection context (so it may `inject()` an auth service). Function-valued `url` and `token`
 *   are run in that injector's injection context too, on every connection attempt (long after
 *   the config function returned), so `token: () => inject(Auth).token()` works as written; the
 *   Promise or Observable they may return is used as is (it is not itself in the context). Once
 *   the injector is destroyed the client is closed and they are not run again.
 *
 * @example
 * bootstrapApplication(AppComponent, {
 *   providers: [
 *     provideZonelessChangeDetection(),
 *     provideSmoothOperator(() => ({ url: 'wss://agents.example.com/ws', token: () => inject(Auth).token() })),
 *   ],
 * });
 */
export function provideSmoothOperator(config: SmoothOperatorConfig): EnvironmentProviders {
  return makeEnvironmentProviders([{ provide: SMOOTH_OPERATOR_CONFIG, useValue: config }, ...clientProviders()]);
}

/** The client and its shared connection-state signal; also installed by the testing provider. */
export function clientProviders(): Provider[] {
  return [
    { provide: SMOOTH_CLIENT, useFactory: smoothClientFactory },
    { provide: CONNECTION_STATE, useFactory: () => toSignal(inject(SMOOTH_CLIENT).state$, { requireSync: true }) },
  ];
}

function smoothClientFactory(): SmoothClient {
  const testing = inject(SMOOTH_TESTING_OVERRIDES, { optional: true });
  // Without the testing provider the config is required: Angular's own "no provider" error says so.
  const config = testing === null ? inject(SMOOTH_OPERATOR_CONFIG) : inject(SMOOTH_OPERATOR_CONFIG, { optional: true });
  if (inject(PLATFORM_ID) === 'server') return serverPlatformClient();
  const options = inInjectionContext(resolveOptions(config, testing), inject(EnvironmentInjector));
  const zone = inject(NgZone);
  const client = zone.runOutsideAngular(() => createSmoothClient(outsideAngularOptions(options, zone)));
  inject(DestroyRef).onDestroy(() => zone.runOutsideAngular(() => client.close()));
  return zonedClient(client, zone);
}

function resolveOptions(config: SmoothOperatorConfig | null, testing: TestingOverrides | null): SmoothClientOptions {
  const given = typeof config === 'function' ? config() : config;
  if (testing === null && given !== null) return given;
  return { url: 'ws://smooth-operator.test/ws', ...given, ...testing?.client, webSocketImpl: testing?.webSocketImpl };
}

/**
 * The client evaluates `url` and `token` at connect time, outside any injection context: a
 * function that `inject()`s would throw NG0203 there, failing every attempt for ever.
 */
function inInjectionContext(options: SmoothClientOptions, injector: EnvironmentInjector): SmoothClientOptions {
  // `T` is never a function here (a string, or undefined), so a function value is the evaluator.
  const within = <T>(value: EndpointValue<T>): EndpointValue<T> => {
    if (typeof value !== 'function') return value;
    const evaluate = value as Exclude<EndpointValue<T>, T>;
    return () => runInInjectionContext(injector, evaluate);
  };
  return { ...options, url: within(options.url), ...(options.token === undefined ? {} : { token: within(options.token) }) };
}
