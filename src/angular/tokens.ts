import { InjectionToken, type Signal } from '@angular/core';
import type { SmoothClient } from '../client/client.js';
import type { ConnectionState } from '../client/connection.js';
import type { SmoothClientOptions, WebSocketImplementation } from '../client/options.js';

/**
 * The client's options, or a function returning them. The function runs once per environment
 * injector, in its injection context, so it may `inject()` what it needs (an auth service, an
 * environment token). Function-valued `url` and `token` run in that injection context too, on
 * every connection attempt; the Promise or Observable they may return is used as is.
 *
 * @example
 * const config: SmoothOperatorConfig = () => ({
 *   url: 'wss://agents.example.com/ws',
 *   token: () => inject(Auth).token(),
 * });
 * provideSmoothOperator(config);
 */
export type SmoothOperatorConfig = SmoothClientOptions | (() => SmoothClientOptions);

/**
 * The configuration given to `provideSmoothOperator(config)`.
 *
 * @example
 * const config = inject(SMOOTH_OPERATOR_CONFIG); // rarely needed: inject the client instead
 */
export const SMOOTH_OPERATOR_CONFIG = new InjectionToken<SmoothOperatorConfig>('SMOOTH_OPERATOR_CONFIG');

/**
 * The environment injector's client (one per injector that has `provideSmoothOperator()`),
 * closed when that injector is destroyed. Prefer `injectSmoothClient()`.
 *
 * @example
 * const client = inject(SMOOTH_CLIENT);
 */
export const SMOOTH_CLIENT = new InjectionToken<SmoothClient>('SMOOTH_CLIENT');

/** The client's `state$` as one signal per client, shared by every `injectConnectionState()`. */
export const CONNECTION_STATE = new InjectionToken<Signal<ConnectionState>>('SMOOTH_CONNECTION_STATE');

/** Set by `provideSmoothOperatorTesting()`: the testing controller's WebSocket and client defaults. */
export interface TestingOverrides {
  readonly webSocketImpl: WebSocketImplementation;
  readonly client: Partial<SmoothClientOptions>;
}

export const SMOOTH_TESTING_OVERRIDES = new InjectionToken<TestingOverrides>('SMOOTH_TESTING_OVERRIDES');
