/**
 * `smooth-operator-rx/angular`: the Angular binding. Standalone providers, `inject…()` helpers
 * whose lifetimes follow their injectors, zone handling (socket outside, results inside),
 * zoneless-ready signals, an inert client on the server platform, and the testing controller
 * wired for component tests. `@angular/core` is an optional peer: only this entry imports it.
 */
export { provideSmoothOperator } from './providers.js';
export { injectConnectionState, injectSmoothClient, injectSmoothSession } from './inject.js';
export { turnSignals, type TurnSignals } from './signals.js';
export { SMOOTH_CLIENT, SMOOTH_OPERATOR_CONFIG, type SmoothOperatorConfig } from './tokens.js';
export { injectSmoothTestingController, provideSmoothOperatorTesting, type SmoothOperatorTestingOptions } from './testing.js';
export { SmoothTestingController } from '../testing/controller/controller.js';
export { injectSmoothChat, type InjectSmoothChatOptions, type SmoothChatSignals } from './chat.js';
