import type {
  CancelledEvent,
  EventualResponseEvent,
  ImmediateResponseEvent,
  InteractionInvalidEvent,
  OtpInvalidEvent,
  OtpVerifiedEvent,
  PongEvent,
  ProtocolErrorEvent,
  ServerEvent,
} from '../generated/types.js';

/**
 * What a turn stream emits: every event of the turn in arrival order (the 202 ack, streamed
 * pieces, tool chunks, asks, resume acks), ending with `eventual_response` or `cancelled`.
 * An `error` ending the turn is raised as `SmoothProtocolError`, never emitted.
 */
export type TurnEvent = Exclude<ServerEvent, ProtocolErrorEvent | PongEvent>;
export type TurnEventType = TurnEvent['type'];
export type TurnEventOf<T extends TurnEventType> = Extract<TurnEvent, { type: T }>;

/** The events that end a turn normally. */
export type TurnEndEvent = EventualResponseEvent | CancelledEvent;

/** Outcome of `confirm()`: the server's 200 ack. */
export type ConfirmOutcome = ImmediateResponseEvent;
/** Outcome of `submitInteraction()`: the 200 ack (accepted), or `interaction_invalid` (still parked: fix and resubmit). */
export type InteractionOutcome = ImmediateResponseEvent | InteractionInvalidEvent;
/** Outcome of `verifyOtp()`. */
export type OtpOutcome = OtpVerifiedEvent | OtpInvalidEvent;
