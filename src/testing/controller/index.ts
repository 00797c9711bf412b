/** The testing controller: a scripted fake server for marble and imperative tests of client code. */
export { SmoothTestingController, createTestingController, type ActionHandles, type TestingControllerOptions, type TurnMatcher, type VerifyOptions } from './controller.js';
export { ActionHandle, TestingControllerError, type TurnEnding } from './handle.js';
export { TestTurn, type ConfirmationAskOptions, type InteractionAskOptions, type InteractionInvalidOptions, type OtpAskOptions } from './test-turn.js';
export { TestCancel, TestConfirm, TestRequest, TestSubmit, TestVerifyOtp, type RequestActionName, type RequestActions, type RequestReplies } from './expectations.js';
export type { ActionFields, ActionMatcher, FieldMatcher } from './matching.js';
export * as serverFrames from '../frames.js';
