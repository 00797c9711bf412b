import { Observable, defer, throwError, type Subscriber, type Subscription, type Unsubscribable } from 'rxjs';
import { answersOtp, endsTurn, isMootRefusal } from '../turn/rules.js';
import { stepAnswer, stepTurn, type TurnPending, type TurnPhase, type TurnStep } from '../turn/machine.js';
import type { ClientAction, InteractionValues, ProtocolErrorEvent, SendMessageAction, ServerEvent } from '../generated/types.js';
import { SmoothConnectionLostError, SmoothInvalidFrameError, SmoothProtocolError, SmoothTimeoutError, SmoothTurnEndedError, SmoothTurnInProgressError, type SmoothError } from '../errors.js';
import { bindTurn, registerTurn, retireTurn, type InteractionAnswer, type RegisteredTurn, type TurnContext, type TurnRequest, type TurnStatus } from '../turn/context.js';
import type { ConfirmOutcome, InteractionOutcome, OtpOutcome, TurnEndEvent, TurnEvent } from '../turn/turn-event.js';
import type { ValidationIssue } from '../validation/validate.js';
import type { Connection, Route } from './connection.js';
import type { ResolvedOptions } from './options.js';
import { request } from './request.js';
import type { Deadlines, Guarded } from './inactivity-deadline.js';
import type { LaneTurn, Lanes } from './lanes.js';

export interface TurnDeps {
  lanes: Lanes;
  options: ResolvedOptions;
  /** The inactivity deadlines of the client's turns: one timer for them all. */
  deadlines: Deadlines;
  /** Starts a new turn (for `resend`). */
  turn(request: TurnRequest): Observable<TurnEvent>;
}

/**
 * Who a turn belongs to, when not the caller alone: a session handle. The owner picks the session
 * when the turn gets its connection, not when it was asked for, so a turn that waited through a
 * reconnect goes out on the resumed session; its re-sends are the owner's turns too.
 */
export interface TurnOwner {
  /** Sees the turn's context before it is queued (to stop it from elsewhere). */
  started(context: TurnContext): void;
  /** The server does not know this session (it restarted): the next `session()` must resume. */
  stale(sessionId: string): void;
  /** The sessionId to send on now: may resume first. An error ends the turn with it. */
  session(): Observable<string>;
  /** A new turn of the same request, run by the owner (`resend`). */
  resend(request: TurnRequest): Observable<TurnEvent>;
  /** The same for all the owner's turns: the pool runs them one at a time, as one session's. */
  readonly key: object;
}

/**
 * A cold turn: each subscription is a new turn with a fresh requestId. With an `owner`, the
 * request's sessionId is a placeholder: the owner supplies the session as the turn starts.
 */
export function turn(deps: TurnDeps, turnRequest: TurnRequest, owner?: TurnOwner): Observable<TurnEvent> {
  return new Observable<TurnEvent>((subscriber) => {
    const run = new TurnRun(deps, turnRequest, subscriber, owner);
    owner?.started(run);
    run.enqueue();
    // The run is its own teardown: no closure per turn.
    return run;
  });
}

/**
 * `opening`: holds a connection, waiting for its owner's session; `draining`: abandoned by its
 * subscriber, `cancel` sent, holding the slot until the server ends it.
 */
type Phase = 'queued' | 'opening' | 'running' | 'parked' | 'draining' | 'ended';

/**
 * An answer to an ask (a confirm, a submit) waiting for the server's reply. A submit is sent
 * under the turn's requestId, so its reply arrives on the turn's route; a confirm is sent under
 * its own, so the pending answer is that requestId's route and hands what arrives to its turn.
 * Either way the turn machine decides what the reply means.
 */
class PendingAnswer implements Route {
  /** Undefined once its caller left: the reply is still expected and must be consumed. */
  subscriber: Subscriber<InteractionOutcome> | undefined;
  timer: Subscription | undefined;

  constructor(
    private readonly turn: TurnRun,
    readonly requestId: string,
    subscriber: Subscriber<InteractionOutcome>,
  ) {
    this.subscriber = subscriber;
  }

  deliver(event: ServerEvent): void {
    this.turn.deliverAnswer(this, event);
  }

  invalid(frame: Record<string, unknown>, _type: unknown, errors: readonly ValidationIssue[]): void {
    this.turn.answerInvalid(this, new SmoothInvalidFrameError(this.requestId, frame, errors));
  }

  fail(): void {
    // The turn fails with the same connection, and settles its answers then.
  }
}


/**
 * Shared by every turn until its first answer (most turns never answer an ask): an open turn's
 * memory is budgeted. Never written: the first answer gives the turn an array of its own.
 */
const NO_ANSWERS: PendingAnswer[] = [];

class TurnRun implements RegisteredTurn, Route, LaneTurn, TurnPending, Guarded, Unsubscribable {
  readonly requestId: string;
  private phase: Phase = 'queued';
  private cancelSent = false;
  /** The server answered our cancel with UNSUPPORTED_ACTION. */
  private cancelRefused = false;
  /** Answers (confirms, submits) sent and not replied to yet, oldest first; {@link NO_ANSWERS} until the first. */
  private answers: PendingAnswer[] = NO_ANSWERS;
  // Made on first use: most turns never cancel, and an open turn's memory is budgeted.
  private cancelWaiters: Set<Subscriber<TurnEndEvent>> | undefined;
  private readonly timeoutMs: number;
  /** The inactivity deadline, moved by every event; the client's {@link Deadlines} reads it while it guards the turn. */
  deadline = 0;
  private drainTimer: Subscription | undefined;
  /** The latest ask (write confirmation, interaction), for a connection lost while parked on it. */
  private ask: TurnEvent | undefined;
  /** The connection the turn runs on, from its start: its parks and cancels belong to it. */
  private connection: Connection;
  /** The owner's session being resolved (phase `opening`). */
  private opening: Subscription | undefined;
  /** Anything arrived for this turn: a refusal after that is not one of its session. */
  private heard = false;
  /** Sent again once after SESSION_NOT_FOUND: never twice. */
  private resent = false;

  constructor(
    private readonly deps: TurnDeps,
    public request: Readonly<TurnRequest>,
    private readonly subscriber: Subscriber<TurnEvent>,
    private readonly owner: TurnOwner | undefined,
  ) {
    this.connection = deps.lanes.primary;
    this.requestId = this.connection.nextRequestId();
    const timeoutMs = request.timeoutMs;
    // As the client's options: NaN (`Number('')` from a config) keeps the default.
    this.timeoutMs = timeoutMs === undefined || Number.isNaN(timeoutMs) ? deps.options.turnTimeoutMs : timeoutMs;
  }

  get sessionId(): string {
    return this.request.sessionId;
  }

  /** Whose turn it is in the registry of turns (see turnOf): its client's lanes, which forget it on close. */
  get registryOwner(): object {
    return this.deps.lanes;
  }

  /** For the pool, which runs a session's turns one at a time: an owner's turns by owner (their sessionId changes on a resume). */
  get sessionKey(): unknown {
    return this.owner?.key ?? this.request.sessionId;
  }

  get status(): TurnStatus {
    return this.phase === 'draining' ? 'ended' : this.phase === 'opening' ? 'queued' : this.phase;
  }

  private get live(): boolean {
    return this.phase === 'running' || this.phase === 'parked';
  }

  enqueue(): void {
    const outcome = this.deps.lanes.acquire(this, this.deps.options.turnConcurrency === 'queue');
    if (outcome === 'busy') {
      this.phase = 'ended';
      this.subscriber.error(new SmoothTurnInProgressError(this.deps.lanes.activeRequestId(this) ?? ''));
    }
  }

  start(connection: Connection): void {
    if (this.phase !== 'queued') return;
    this.connection = connection;
    if (this.owner === undefined) return this.send();
    this.phase = 'opening';
    let resolved: string | undefined;
    const opening = this.owner.session().subscribe({
      next: (sessionId) => {
        if (resolved === undefined) resolved = sessionId;
      },
      error: (err: unknown) => {
        if (this.phase !== 'opening') return;
        this.finish();
        this.subscriber.error(err);
      },
      complete: () => {
        if (this.phase !== 'opening' || resolved === undefined) return;
        this.opening = undefined;
        this.request = { ...this.request, sessionId: resolved };
        this.phase = 'queued';
        this.send();
      },
    });
    if (this.phase === 'opening') this.opening = opening;
  }

  private send(): void {
    // State first: a socket that fails inside send() ends the turn synchronously, and must find
    // nothing left to disarm after it.
    this.phase = 'running';
    registerTurn(this);
    this.connection.register(this.requestId, this);
    this.guard();
    try {
      this.connection.send(this.sendMessageAction());
    } catch (err) {
      this.end(err as SmoothError);
    }
  }

  /** Teardown of the turn's subscription: stop the server's work if it is still going. */
  unsubscribe(): void {
    this.abandon();
  }

  private abandon(): void {
    if (this.phase === 'queued') {
      this.phase = 'ended';
      this.deps.lanes.withdraw(this);
    } else if (this.phase === 'opening') {
      this.opening?.unsubscribe();
      this.finish();
    } else if (this.live) {
      // Still in the outbox (the socket is not open): taken back, the server never hears of it.
      if (this.connection.withdraw(this.requestId)) return this.finish();
      this.sendCancel();
      this.drain();
      this.settleAnswers(new SmoothTurnEndedError(this.requestId));
    }
  }

  // Route --------------------------------------------------------------------------------------

  deliver(event: ServerEvent): void {
    if (!this.heard) {
      if (this.sessionRefused(event)) return this.sendOnResumedSession();
      this.heard = true;
    }
    // What the event means is the machine's (pure, in src/turn/machine.ts); what to do about it is here.
    this.apply(stepTurn(this.machinePhase, event, this), event, undefined);
  }

  /** An event on a pending answer's own requestId (a confirm's). */
  deliverAnswer(answer: PendingAnswer, event: ServerEvent): void {
    this.apply(stepAnswer(this.machinePhase, event), event, answer);
  }

  /** An invalid frame on a pending answer's own requestId: that answer's error. */
  answerInvalid(answer: PendingAnswer, error: SmoothInvalidFrameError): void {
    if (this.take(answer) !== undefined) this.settle(answer, error);
  }

  /** `answer`: the pending answer whose own requestId the event came on; else the event came on the turn's. */
  private apply(step: TurnStep, event: ServerEvent, answer: PendingAnswer | undefined): void {
    if (step.effect === 'refuse-cancel') return this.cancelRefusedBy(event as ProtocolErrorEvent);
    if (this.phase === 'draining') return this.deliverDraining(event, step, answer);
    // Activity: the deadline moves (harmless while unguarded: guarding sets it afresh).
    if (this.timeoutMs > 0) this.deadline = this.deps.options.scheduler.now() + this.timeoutMs;
    // Parked before the ask goes out: an answer given inside next(ask) finds the turn parked.
    if (step.parks) this.park();
    else if (step.phase === 'running') this.unpark();
    switch (step.effect) {
      case 'end':
        return event.type === 'error' ? this.end(new SmoothProtocolError(event)) : this.end(undefined, event as TurnEndEvent);
      case 'refuse-answer': {
        // An error answering an answer we sent (INTERACTION_MISMATCH, ...) is that answer's: the
        // parked turn lives on, and the human answers again, with no timeout meanwhile.
        const error = new SmoothProtocolError(event as ProtocolErrorEvent);
        this.reportMoot(error);
        const refused = this.take(answer);
        return refused === undefined ? undefined : this.settle(refused, error);
      }
      case 'answer': {
        const answered = this.take(answer);
        this.emit(event as TurnEvent);
        return answered === undefined ? undefined : this.settle(answered, event as InteractionOutcome);
      }
      case 'unexpected':
        return this.connection.report({ kind: 'unexpected-event', message: `${event.type} on turn ${this.requestId}`, event, requestId: answer?.requestId ?? this.requestId });
      case 'emit':
        if (step.parks) this.ask = event as TurnEvent;
        return this.emit(event as TurnEvent);
    }
  }

  /**
   * An owner's turn refused with SESSION_NOT_FOUND before anything else arrived: the server
   * forgot the session (a restart the socket did not show, a session picked just before the
   * close reached us). Nothing ran, so sending it once more, on a resumed session, is safe.
   */
  private sessionRefused(event: ServerEvent): boolean {
    return this.owner !== undefined && !this.resent && this.phase === 'running' && event.type === 'error' && event.data.error.code === 'SESSION_NOT_FOUND';
  }

  private sendOnResumedSession(): void {
    this.resent = true;
    this.owner?.stale(this.sessionId);
    this.unguard();
    this.phase = 'queued';
    this.start(this.connection);
  }

  /** The machine knows live turns as running or parked (a draining one is still running to it). */
  private get machinePhase(): TurnPhase {
    return this.phase === 'parked' ? 'parked' : this.phase === 'ended' ? 'ended' : 'running';
  }

  /** For the machine: an answer sent on the turn's requestId (a submit) waits for its reply. */
  get submitPending(): boolean {
    const answers = this.answers;
    for (let i = 0; i < answers.length; i++) if (answers[i].requestId === this.requestId) return true;
    return false;
  }

  /** For the machine: a cancel was sent and not refused. */
  get cancelPending(): boolean {
    return this.cancelSent && !this.cancelRefused;
  }

  /**
   * The subscriber left; what still streams in until the server confirms the cancel is reported,
   * not dropped. An answer to a submit sent before the abandon is that submit's, not the end.
   */
  private deliverDraining(event: ServerEvent, step: TurnStep, answer: PendingAnswer | undefined): void {
    if ((step.effect === 'answer' || step.effect === 'refuse-answer') && this.take(answer) !== undefined) {
      return this.connection.report({ kind: 'late-event', message: `${event.type} answering an answer to ${this.requestId}, abandoned by its subscriber`, event });
    }
    if (step.effect === 'end') return this.finishDrain(event.type === 'error' ? undefined : (event as TurnEndEvent));
    return this.connection.report({ kind: 'late-event', message: `${event.type} for ${this.requestId}, abandoned by its subscriber`, event });
  }

  /**
   * Servers answer `cancel` with nothing or with `cancelled`; a reduced deployment answers
   * UNSUPPORTED_ACTION, carrying the turn's requestId. That error is the cancel's, not the turn's:
   * the turn goes on (and, if abandoned, keeps the slot until it really ends or the drain expires).
   */
  private cancelRefusedBy(event: ProtocolErrorEvent): void {
    this.cancelRefused = true;
    const error = new SmoothProtocolError(event);
    const waiters = this.cancelWaiters;
    this.cancelWaiters = undefined;
    for (const waiter of waiters ?? []) waiter.error(error);
  }

  invalid(frame: Record<string, unknown>, type: unknown, errors: readonly ValidationIssue[]): void {
    if (!endsTurn(type)) return; // reported; the turn goes on
    if (this.phase === 'draining') return this.finishDrain(undefined);
    const error = new SmoothInvalidFrameError(this.requestId, frame, errors);
    const answer = type === 'error' ? this.take(undefined) : undefined;
    if (answer !== undefined) return this.settle(answer, error);
    this.end(error);
  }

  fail(error: SmoothError): void {
    if (this.phase === 'draining') return this.finishDrain(undefined);
    // A UI can say what was lost: the ask the human had not answered yet.
    if (this.phase === 'parked' && this.ask !== undefined && error instanceof SmoothConnectionLostError) return this.end(error.withPendingAsk(this.ask));
    if (this.live) this.end(error);
  }

  // TurnContext ------------------------------------------------------------------------------

  confirm(approved: boolean): Observable<ConfirmOutcome> {
    // Under its own requestId (servers find the park by session); its ack answers it there.
    return this.answer((requestId) => ({ action: 'confirm_tool_action', requestId, sessionId: this.sessionId, approved }), true) as Observable<ConfirmOutcome>;
  }

  submitInteraction(answer: InteractionAnswer): Observable<InteractionOutcome> {
    // Under the turn's requestId (servers expect it): its replies are told apart from the turn's
    // own events by the pending answers.
    return this.answer((requestId) => ({
      action: 'submit_interaction',
      requestId,
      sessionId: this.sessionId,
      interactionId: answer.interactionId,
      ...(answer.kind !== undefined ? { kind: answer.kind } : {}),
      // Typed kinds' values (interfaces) are plain JSON objects on the wire.
      ...(answer.declined === true ? { declined: true } : { values: answer.values as InteractionValues }),
    }), false);
  }

  verifyOtp(code: string): Observable<OtpOutcome> {
    // Not an answer to an ask (servers end the turn before the code is verified): a request of its
    // own, whose outcome continues in the turn stream while the turn lives.
    const { requestTimeoutMs, scheduler } = this.deps.options;
    return request<OtpOutcome>(this.connection, {
      build: (requestId) => ({ action: 'verify_otp', requestId, sessionId: this.sessionId, code }),
      answer: (event) => (answersOtp(event) ? { value: event as OtpOutcome } : undefined),
      onAnswer: (event) => {
        // Bound even after the end, so turnOf() works on it downstream.
        bindTurn(event as TurnEvent, this);
        if (this.live) this.emit(event as TurnEvent);
      },
      timeoutMs: requestTimeoutMs,
      scheduler,
    });
  }

  cancel(): Observable<TurnEndEvent> {
    return new Observable<TurnEndEvent>((subscriber) => {
      // Not sent yet (waiting for a connection, its session, or its socket to open): taken back.
      if (this.phase === 'queued' || this.phase === 'opening' || (this.live && this.connection.withdraw(this.requestId))) {
        if (this.live) this.finish();
        else this.abandon();
        this.subscriber.complete();
        return subscriber.complete();
      }
      if (!this.live) return subscriber.complete();
      (this.cancelWaiters ??= new Set()).add(subscriber);
      this.sendCancel();
      // An answer is due now: let the inactivity timeout guard it even if the turn was parked.
      this.answerSent();
      return () => this.cancelWaiters?.delete(subscriber);
    });
  }

  resend(): Observable<TurnEvent> {
    return this.owner !== undefined ? this.owner.resend(this.request) : this.deps.turn(this.request);
  }

  // Internals --------------------------------------------------------------------------------

  /**
   * Sends an answer to an ask (a confirm, a submit) and waits for its reply: the 200 ack (also
   * emitted in the turn stream), `interaction_invalid`, or an error answering it, which is the
   * answer's and does not end the turn. `ownRequestId`: sent under a fresh requestId of its own
   * rather than the turn's.
   */
  private answer(build: (requestId: string) => ClientAction, ownRequestId: boolean): Observable<InteractionOutcome> {
    return new Observable<InteractionOutcome>((subscriber) => {
      if (!this.live) return subscriber.error(new SmoothTurnEndedError(this.requestId));
      const answer = new PendingAnswer(this, ownRequestId ? this.connection.nextRequestId() : this.requestId, subscriber);
      if (this.answers === NO_ANSWERS) this.answers = [];
      this.answers.push(answer);
      if (ownRequestId) this.connection.register(answer.requestId, answer);
      try {
        this.connection.send(build(answer.requestId));
      } catch (err) {
        this.take(answer);
        return subscriber.error(err);
      }
      this.answerSent();
      const { requestTimeoutMs, scheduler } = this.deps.options;
      if (requestTimeoutMs > 0) {
        answer.timer = scheduler.schedule(() => {
          answer.subscriber = undefined;
          subscriber.error(new SmoothTimeoutError('REQUEST_TIMEOUT', answer.requestId, requestTimeoutMs));
        }, requestTimeoutMs);
      }
      return () => {
        answer.timer?.unsubscribe();
        answer.subscriber = undefined;
      };
    });
  }

  /**
   * Takes a pending answer off the list (its reply came): `answer` itself, or, for a reply on the
   * turn's requestId, the oldest answer sent under it.
   */
  private take(answer: PendingAnswer | undefined): PendingAnswer | undefined {
    const index = answer !== undefined ? this.answers.indexOf(answer) : this.answers.findIndex((pending) => pending.requestId === this.requestId);
    if (index < 0) return undefined;
    const [taken] = this.answers.splice(index, 1) as [PendingAnswer];
    if (taken.requestId !== this.requestId) this.connection.unregister(taken.requestId);
    return taken;
  }

  private sendMessageAction(): SendMessageAction {
    const { sessionId, message, model, skill, images, files } = this.request;
    return {
      action: 'send_message',
      requestId: this.requestId,
      sessionId,
      message,
      stream: true,
      ...(model !== undefined ? { model } : {}),
      ...(skill !== undefined ? { skill } : {}),
      ...(images !== undefined ? { images } : {}),
      ...(files !== undefined ? { files } : {}),
    };
  }

  private emit(event: TurnEvent): void {
    // The turn's own events find it by requestId (see turnOf); only others, and the end, are bound.
    if (event.requestId !== this.requestId || endsTurn(event.type)) bindTurn(event, this);
    this.subscriber.next(event);
  }

  /** Settles one answer's caller: the reply, its error, or (undefined) nothing: the turn ended first. */
  private settle(answer: PendingAnswer, outcome: InteractionOutcome | SmoothError | undefined): void {
    answer.timer?.unsubscribe();
    const subscriber = answer.subscriber;
    answer.subscriber = undefined;
    if (subscriber === undefined) return;
    if (outcome instanceof Error) return subscriber.error(outcome);
    if (outcome !== undefined) subscriber.next(outcome);
    subscriber.complete();
  }

  /**
   * Settles every answer still waiting: the turn ended (an answer still unanswered when it ends
   * normally is moot: it completes quietly) or was abandoned. A draining turn keeps the answers'
   * entries: their replies still arrive, and are theirs.
   */
  private settleAnswers(outcome: SmoothError | undefined): void {
    const answers = this.phase === 'draining' ? [...this.answers] : this.answers.splice(0);
    for (const answer of answers) {
      if (this.phase !== 'draining' && answer.requestId !== this.requestId) this.connection.unregister(answer.requestId);
      this.settle(answer, outcome);
    }
  }

  private sendCancel(): void {
    if (this.cancelSent) return;
    this.cancelSent = true;
    try {
      this.connection.send({ action: 'cancel', requestId: this.requestId, sessionId: this.sessionId });
    } catch {
      // The socket is gone, and the server aborts the turn on disconnect anyway.
    }
  }

  /**
   * Ends the turn for its subscriber: completes (after the end event) or errors. The turn is
   * ended before the end event goes out, so a subscriber that leaves on it (take(1), first())
   * sends no cancel, and one that starts the next turn or closes the client finds the slot free.
   */
  private end(error: SmoothError | undefined, endEvent?: TurnEndEvent): void {
    if (!this.live) return;
    this.finish();
    if (endEvent !== undefined) this.emit(endEvent);
    this.notifyEnd(error, endEvent);
  }

  private notifyEnd(error: SmoothError | undefined, endEvent?: TurnEndEvent): void {
    this.settleAnswers(this.phase === 'draining' ? (error ?? new SmoothTurnEndedError(this.requestId)) : error);
    this.settleCancelWaiters(endEvent);
    if (error !== undefined) this.subscriber.error(error);
    else this.subscriber.complete();
  }

  private settleCancelWaiters(endEvent: TurnEndEvent | undefined): void {
    const waiters = this.cancelWaiters;
    this.cancelWaiters = undefined;
    for (const waiter of waiters ?? []) {
      if (endEvent !== undefined) waiter.next(endEvent);
      waiter.complete();
    }
  }

  /** An abandoned turn is over (the server ended it, or the drain expired): free the slot. */
  private finishDrain(endEvent: TurnEndEvent | undefined): void {
    this.finish();
    this.settleCancelWaiters(endEvent);
  }

  /** Releases the route, the timers and the slot (the next queued turn starts). */
  private finish(): void {
    this.phase = 'ended';
    retireTurn(this);
    this.unguard();
    this.drainTimer?.unsubscribe();
    this.connection.unregister(this.requestId);
    // Answers under their own requestId stop listening with the turn; their stragglers are late.
    for (const answer of this.answers) if (answer.requestId !== this.requestId) this.connection.unregister(answer.requestId);
    this.deps.lanes.release(this);
  }

  private drain(): void {
    this.phase = 'draining';
    this.unguard();
    const { cancelDrainMs, scheduler } = this.deps.options;
    this.drainTimer = scheduler.schedule(() => this.finishDrain(undefined), cancelDrainMs);
  }

  /** Waiting for a human: no inactivity timeout. */
  private park(): void {
    if (!this.live) return;
    this.phase = 'parked';
    // A cancel owes an answer whatever else happens: it stays guarded.
    if (!this.cancelSent) this.unguard();
  }

  /**
   * The human answered (confirm, submit, cancel): the server owes the next move, so the turn is
   * guarded again while it stays parked, and ends with TURN_TIMEOUT if nothing comes.
   */
  private answerSent(): void {
    if (this.phase === 'parked') this.guard();
  }

  /** An answer refused because its ask was already resolved (the turn went on without it) is reported. */
  private reportMoot(error: SmoothProtocolError): void {
    if (this.phase !== 'running' || !isMootRefusal(error.code)) return;
    this.connection.report({ kind: 'moot-answer', message: `${error.code} for an answer on ${this.requestId}, whose ask was already resolved`, event: error.event, requestId: this.requestId });
  }

  /** Starts (again) counting the inactivity timeout from now. */
  private guard(): void {
    this.deps.deadlines.guard(this, this.timeoutMs);
  }

  private unguard(): void {
    this.deps.deadlines.release(this);
  }

  private unpark(): void {
    if (this.phase !== 'parked') return;
    this.phase = 'running';
    this.guard();
  }

  /** No event for the timeout: like an abandoned turn, cancel and hold the slot until the server confirms. */
  expire(): void {
    if (!this.live) return;
    // Still in the outbox: taken back, nothing to cancel; otherwise cancel and drain.
    if (this.connection.withdraw(this.requestId)) this.finish();
    else {
      this.sendCancel();
      this.drain();
    }
    this.notifyEnd(new SmoothTimeoutError('TURN_TIMEOUT', this.requestId, this.timeoutMs));
  }
}
