import type { Observable } from 'rxjs';
import type { ChoicesValues, FileAttachment, IdentityIntakeValues, ImageAttachment, InteractionValues } from '../generated/types.js';
import { SmoothNoTurnContextError } from '../errors.js';
import type { ConfirmOutcome, InteractionOutcome, OtpOutcome, TurnEndEvent, TurnEvent } from './turn-event.js';

/** What `client.turn()` sends as `send_message`. */
export interface TurnRequest {
  sessionId: string;
  /** The user's message, 1 to 10000 characters. */
  message: string;
  model?: string;
  /** Fail-closed: an unknown skill ends the turn with SKILL_NOT_FOUND. */
  skill?: string;
  images?: ImageAttachment[];
  files?: FileAttachment[];
  /**
   * Inactivity timeout of this turn in ms: overrides the client's `turnTimeoutMs`.
   * `0` disables it.
   */
  timeoutMs?: number;
}

/** Values of a known kind, or of any other kind. */
export type AnyInteractionValues = IdentityIntakeValues | ChoicesValues | InteractionValues;

/** Answer to an `interaction_required` ask: values for its kind, or a decline. */
export type InteractionAnswer =
  | { interactionId: string; kind?: string; values: AnyInteractionValues; declined?: false }
  | { interactionId: string; kind?: string; declined: true };

/**
 * Where a turn is: waiting for the connection's turn slot, running, parked on a human (write
 * confirmation or interaction), or ended.
 */
export type TurnStatus = 'queued' | 'running' | 'parked' | 'ended';

/**
 * The turn an event belongs to, reachable from any event of a turn stream with `turnOf(event)`.
 * Its methods answer the agent; each returns a cold Observable of its own outcome (subscribing
 * sends the frame), and the acks and resumed events also continue in the turn stream.
 */
export interface TurnContext {
  /** The turn's `send_message` requestId. */
  readonly requestId: string;
  readonly sessionId: string;
  /** What was sent to start the turn. */
  readonly request: Readonly<TurnRequest>;
  readonly status: TurnStatus;
  /**
   * Answers `write_confirmation_required` with `confirm_tool_action`. Emits the 200 ack; errors
   * with `SmoothProtocolError` (e.g. NO_PENDING_CONFIRMATION) without ending the turn.
   */
  confirm(approved: boolean): Observable<ConfirmOutcome>;
  /**
   * Answers `interaction_required` with `submit_interaction` (values or a decline). Emits the
   * 200 ack, or `interaction_invalid` when the server rejected the values (the turn stays
   * parked); errors with `SmoothProtocolError` (e.g. INTERACTION_MISMATCH) without ending the turn.
   */
  submitInteraction(answer: InteractionAnswer): Observable<InteractionOutcome>;
  /**
   * Sends `verify_otp` for this turn's session. Emits `otp_verified` or `otp_invalid`. Servers do
   * not resume across OTP: after `otp_verified`, `resend()` the message.
   */
  verifyOtp(code: string): Observable<OtpOutcome>;
  /**
   * Stops the turn (`cancel`). Emits the event that ended it (`cancelled`, or `eventual_response`
   * if the answer won the race) and completes; completes at once if the turn has already ended.
   */
  cancel(): Observable<TurnEndEvent>;
  /** A new turn with the same request (a fresh requestId): cold, like `client.turn()`. */
  resend(): Observable<TurnEvent>;
}

// How an event finds its turn without any per-event work (a WeakMap write per frame was the
// client's largest cost): a turn's own events carry its requestId, so turns are found by it —
// live turns, then the most recently ended ones (bounded, so a long-running process does not
// keep every turn). Only events the turn did not mint — the acks of confirm/submit, which carry
// their own requestId, and the events that stay useful after the end (the terminal event, OTP
// answers) — are bound one by one. Wire events stay exactly what was received: nothing is
// written on them, so a copy (or a serialized round trip) finds the same turn.
const bound = new WeakMap<object, TurnContext>();
/** @internal A turn as the registry keeps it: with its owner (a client's lanes), so a closed client's turns can be let go. */
export interface RegisteredTurn extends TurnContext {
  readonly registryOwner: object;
}

/** Turns by requestId. */
const turns = new Map<string, RegisteredTurn>();
const ended = new Set<string>();
/** Ended turns still found by requestId. */
const ENDED_TURNS_KEPT = 256;

/** @internal Binds one event to its turn (for events not carrying the turn's requestId, or that must outlive the bound). */
export function bindTurn(event: TurnEvent, context: TurnContext): void {
  bound.set(event, context);
}

/** @internal A turn that started: its events find it by requestId. */
export function registerTurn(context: RegisteredTurn): void {
  turns.set(context.requestId, context);
}

/**
 * @internal A client was closed: its turns are found no more, so what they hold (their request,
 * attachments included, and the client itself) can be collected. Per close, not per event.
 */
export function forgetTurns(owner: object): void {
  for (const [requestId, turn] of turns) {
    if (turn.registryOwner !== owner) continue;
    turns.delete(requestId);
    ended.delete(requestId);
  }
}

/** @internal A turn that ended: still found by requestId until {@link ENDED_TURNS_KEPT} later turns have ended. */
export function retireTurn(context: TurnContext): void {
  if (turns.get(context.requestId) !== context || ended.has(context.requestId)) return;
  ended.add(context.requestId);
  if (ended.size <= ENDED_TURNS_KEPT) return;
  const oldest = ended.values().next().value as string;
  ended.delete(oldest);
  turns.delete(oldest);
}

/**
 * The turn an event of a turn stream belongs to, for answering the agent from inside `.pipe()`.
 * Works on the event as emitted and on copies of it (found by its requestId); the terminal event
 * and OTP answers find their turn for as long as they live, other events of an ended turn until
 * 256 later turns have ended.
 *
 * @example
 * client.turn({ sessionId, message }).pipe(
 *   concatMap((event) => event.type === 'write_confirmation_required'
 *     ? turnOf(event).confirm(true).pipe(ignoreElements(), startWith(event))
 *     : of(event)),
 * );
 * @throws SmoothNoTurnContextError when no turn of this process knows the event (made up, or from a turn long gone).
 */
export function turnOf(event: TurnEvent): TurnContext {
  const context = findTurnOf(event);
  if (context === undefined) throw new SmoothNoTurnContextError();
  return context;
}

/** Like `turnOf`, but `undefined` instead of throwing. */
export function findTurnOf(event: TurnEvent): TurnContext | undefined {
  if (typeof event !== 'object' || event === null) return undefined;
  const context = bound.get(event);
  if (context !== undefined) return context;
  const requestId = (event as { requestId?: unknown }).requestId;
  return typeof requestId === 'string' ? turns.get(requestId) : undefined;
}
