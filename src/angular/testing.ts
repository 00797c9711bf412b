import { inject, makeEnvironmentProviders, type EnvironmentProviders } from '@angular/core';
import type { SmoothClientOptions } from '../client/options.js';
import { SmoothTestingController, type TestingControllerOptions } from '../testing/controller/controller.js';
import { clientProviders } from './providers.js';
import { SMOOTH_TESTING_OVERRIDES } from './tokens.js';

/**
 * Options of {@link provideSmoothOperatorTesting}.
 *
 * @example
 * const options: SmoothOperatorTestingOptions = { client: { turnTimeoutMs: 1_000 } };
 * TestBed.configureTestingModule({ providers: [provideZonelessChangeDetection(), provideSmoothOperatorTesting(options)] });
 */
export interface SmoothOperatorTestingOptions extends TestingControllerOptions {
  /**
   * Client options for the test, over those of `provideSmoothOperator(config)` if any (the
   * WebSocket is always the controller's). Without a config the URL is `ws://smooth-operator.test/ws`.
   */
  client?: Partial<Omit<SmoothClientOptions, 'webSocketImpl'>>;
}

/**
 * Wires a `SmoothTestingController` (a scripted fake server) behind the environment's client,
 * like `provideHttpClientTesting()`: `TestBed.inject(SmoothTestingController)` (or
 * `injectSmoothTestingController()`), then `expectTurn(…)` and answer it. Works alone or after
 * `provideSmoothOperator(config)` (whose options it keeps, replacing the WebSocket).
 *
 * @example
 * TestBed.configureTestingModule({ providers: [provideZonelessChangeDetection(), provideSmoothOperatorTesting()] });
 * const fixture = TestBed.createComponent(Chat);
 * fixture.componentInstance.send('Where is my order?');
 * const server = TestBed.inject(SmoothTestingController);
 * server.expectRequest('create_conversation_session').respond(); // injectSmoothSession() creates its session first
 * server.expectTurn('Where is my order?').accept().token('On its way');
 * await fixture.whenStable();
 * expect(fixture.nativeElement.textContent).toContain('On its way');
 */
export function provideSmoothOperatorTesting(options: SmoothOperatorTestingOptions = {}): EnvironmentProviders {
  const { client = {}, ...controller } = options;
  return makeEnvironmentProviders([
    { provide: SmoothTestingController, useFactory: () => new SmoothTestingController(controller) },
    { provide: SMOOTH_TESTING_OVERRIDES, useFactory: () => ({ webSocketImpl: inject(SmoothTestingController).WebSocket, client }) },
    ...clientProviders(),
  ]);
}

/**
 * The environment's testing controller (installed by `provideSmoothOperatorTesting()`).
 *
 * @example
 * const server = TestBed.runInInjectionContext(() => injectSmoothTestingController());
 */
export function injectSmoothTestingController(): SmoothTestingController {
  return inject(SmoothTestingController);
}
