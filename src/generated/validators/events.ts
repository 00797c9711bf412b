// DO NOT EDIT: generated from spec/ by `npm run codegen` (codegen/generate.ts).
import type { CompiledValidator } from '../../validation/compiled.js';
import { CancelledEvent, ProtocolErrorEvent, EventualResponseEvent, ImmediateResponseEvent, InteractionInvalidEvent, InteractionRequiredEvent, KeepaliveEvent, OtpInvalidEvent, OtpSentEvent, OtpVerificationRequiredEvent, OtpVerifiedEvent, PongEvent, StreamChunkEvent, StreamPreambleEvent, StreamReasoningEvent, StreamTokenEvent, WriteConfirmationRequiredEvent } from './validators.js';

/** Event `type` → its validator. A Map: a name such as "__proto__" must not reach Object.prototype. */
export const eventValidators: ReadonlyMap<string, CompiledValidator> = /* @__PURE__ */ new Map<string, CompiledValidator>([
    ['cancelled', CancelledEvent],
    ['error', ProtocolErrorEvent],
    ['eventual_response', EventualResponseEvent],
    ['immediate_response', ImmediateResponseEvent],
    ['interaction_invalid', InteractionInvalidEvent],
    ['interaction_required', InteractionRequiredEvent],
    ['keepalive', KeepaliveEvent],
    ['otp_invalid', OtpInvalidEvent],
    ['otp_sent', OtpSentEvent],
    ['otp_verification_required', OtpVerificationRequiredEvent],
    ['otp_verified', OtpVerifiedEvent],
    ['pong', PongEvent],
    ['stream_chunk', StreamChunkEvent],
    ['stream_preamble', StreamPreambleEvent],
    ['stream_reasoning', StreamReasoningEvent],
    ['stream_token', StreamTokenEvent],
    ['write_confirmation_required', WriteConfirmationRequiredEvent],
]);
