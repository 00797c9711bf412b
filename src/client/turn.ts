import { Observable, defer, throwError, type Subscriber, type Subscription } from 'rxjs';
import { endsTurn } from '../turn/rules.js';
import { RESUME_ERRORS, stepTurn, type TurnPending, type TurnPhase, type TurnStep } from '../turn/machine.js';
import type { InteractionValues, ProtocolErrorEvent, SendMessageAction, ServerEvent } from '../generated/types.js';
import { SmoothConnectionLostError, SmoothInvalidFrameError, SmoothProtocolError, SmoothTimeoutError, SmoothTurnEndedError, SmoothTurnInProgressError, type SmoothError } from '../errors.js';
import { bindTurn, registerTurn, retireTurn, type InteractionAnswer, type TurnContext, type TurnRequest, type TurnStatus } from '../turn/context.js';
import type { ConfirmOutcome, InteractionOutcome, OtpOutcome, TurnEndEvent, TurnEvent } from '../turn/turn-event.js';
import type { ValidationIssue } from '../validation/validate.js';
import type { Connection, Route } from './connection.js';
import type { ResolvedOptions } from './options.js';
import { request, type RequestSpec } from './request.js';
import { InactivityDeadline } from './inactivity-deadline.js';
import type { ConnectionPool, PooledTurn } from './pool.js';

export interface TurnDeps {
  pool: ConnectionPool;
  options: ResolvedOptions;
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
    return () => run.abandon();
  });
}

/**
 * `opening`: holds a connection, waiting for its owner's session; `draining`: abandoned by its
 * subscriber, `cancel` sent, holding the slot until the server ends it.
 */
type Phase = 'queued' | 'opening' | 'running' | 'parked' | 'draining' | 'ended';

interface PendingSubmit {
  /** Undefined once its caller unsubscribed: the answer is still expected and must be consumed. */
  subscriber: Subscriber<InteractionOutcome> | undefined;
  timer: Subscription | undefined;
}


class TurnRun implements TurnContext, Route, PooledTurn, TurnPending {
  readonly requestId: string;
  private phase: Phase = 'queued';
  private cancelSent = false;
  /** The server answered our cancel with UNSUPPORTED_ACTION. */
  private cancelRefused = false;
  private readonly submits: PendingSubmit[] = [];
  // Made on first use: most turns never confirm or cancel, and an open turn's memory is budgeted.
  private cancelWaiters: Set<Subscriber<TurnEndEvent>> | undefined;
  /** Callers of confirm() still waiting: settled when the turn is abandoned. */
  private confirms: Set<Subscriber<ConfirmOutcome>> | undefined;
  private readonly timeoutMs: number;
  private readonly inactivity: InactivityDeadline;
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
    this.connection = deps.pool.primary;
    this.requestId = this.connection.nextRequestId();
    this.timeoutMs = request.timeoutMs ?? deps.options.turnTimeoutMs;
    this.inactivity = new InactivityDeadline(deps.options.scheduler, this.timeoutMs, () => this.expire());
  }

  get sessionId(): string {
    return this.request.sessionId;
  }

  /** For the pool, which runs a session's turns one at a time: an owner's turns by owner (their sessionId changes on a resume). */
  get sessionKey(): unknown {
    return this.owner ?? this.request.sessionId;
  }

  get status(): TurnStatus {
    return this.phase === 'draining' ? 'ended' : this.phase === 'opening' ? 'queued' : this.phase;
  }

  private get live(): boolean {
    return this.phase === 'running' || this.phase === 'parked';
  }

  enqueue(): void {
    const outcome = this.deps.pool.acquire(this, this.deps.options.turnConcurrency === 'queue');
    if (outcome === 'busy') {
      this.phase = 'ended';
      this.subscriber.error(new SmoothTurnInProgressError(this.deps.pool.activeRequestId(this) ?? ''));
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
    registerTurn(this, this.deps.pool);
    this.connection.register(this.requestId, this);
    this.inactivity.start();
    try {
      this.connection.send(this.sendMessageAction());
    } catch (err) {
      this.end(err as SmoothError);
    }
  }

  /** Teardown of the turn's subscription: stop the server's work if it is still going. */
  abandon(): void {
    if (this.phase === 'queued') {
      this.phase = 'ended';
      this.deps.pool.withdraw(this);
    } else if (this.phase === 'opening') {
      this.opening?.unsubscribe();
      this.finish();
    } else if (this.live) {
      // Still in the outbox (the socket is not open): taken back, the server never hears of it.
      if (this.connection.withdraw(this.requestId)) return this.finish();
      this.sendCancel();
      this.drain();
      this.settleResumes(new SmoothTurnEndedError(this.requestId));
    }
  }

  // Route --------------------------------------------------------------------------------------

  deliver(event: ServerEvent): void {
    if (!this.heard) {
      if (this.sessionRefused(event)) return this.sendOnResumedSession();
      this.heard = true;
    }
    // What the event means is the machine's (pure, in src/turn/machine.ts); what to do about it is here.
    const step = stepTurn(this.machinePhase, event, this);
    if (step.effect === 'refuse-cancel') return this.cancelRefusedBy(event as ProtocolErrorEvent);
    if (this.phase === 'draining') return this.deliverDraining(event, step);
    this.inactivity.touch();
    // Parked before the ask goes out: an answer given inside next(ask) finds the turn parked.
    if (step.parks) this.park();
    else if (step.phase === 'running') this.unpark();
    switch (step.effect) {
      case 'end':
        return event.type === 'error' ? this.end(new SmoothProtocolError(event)) : this.end(undefined, event as TurnEndEvent);
      case 'refuse-answer': {
        // An error answering a resume we sent (INTERACTION_MISMATCH, ...) is that resume's: the
        // parked turn lives on, and the human answers again, with no timeout meanwhile.
        const error = new SmoothProtocolError(event as ProtocolErrorEvent);
        this.reportMoot(error);
        return this.settleSubmit(this.submits.shift() as PendingSubmit, error);
      }
      case 'answer': {
        const submit = this.submits.shift();
        this.emit(event as TurnEvent);
        if (submit !== undefined) this.settleSubmit(submit, event as InteractionOutcome);
        return;
      }
      case 'unexpected':
        return this.connection.report({ kind: 'unexpected-event', message: `${event.type} on turn ${this.requestId}`, event, requestId: this.requestId });
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
    this.inactivity.stop();
    this.phase = 'queued';
    this.start(this.connection);
  }

  /** The machine knows live turns as running or parked (a draining one is still running to it). */
  private get machinePhase(): TurnPhase {
    return this.phase === 'parked' ? 'parked' : this.phase === 'ended' ? 'ended' : 'running';
  }

  /** For the machine: a submit waits for its answer. */
  get submitPending(): boolean {
    return this.submits.length > 0;
  }

  /** For the machine: a cancel was sent and not refused. */
  get cancelPending(): boolean {
    return this.cancelSent && !this.cancelRefused;
  }

  /**
   * The subscriber left; what still streams in until the server confirms the cancel is reported,
   * not dropped. An answer to a submit sent before the abandon is that submit's, not the end.
   */
  private deliverDraining(event: ServerEvent, step: TurnStep): void {
    if ((step.effect === 'answer' || step.effect === 'refuse-answer') && this.submits.shift() !== undefined) {
      return this.connection.report({ kind: 'late-event', message: `${event.type} answering a submit of ${this.requestId}, abandoned by its subscriber`, event });
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
    const submit = type === 'error' ? this.submits.shift() : undefined;
    if (submit !== undefined) return this.settleSubmit(submit, error);
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
    return new Observable<ConfirmOutcome>((subscriber) => {
      if (!this.live) return subscriber.error(new SmoothTurnEndedError(this.requestId));
      (this.confirms ??= new Set()).add(subscriber);
      const inner = this.resume(
        (requestId) => ({ action: 'confirm_tool_action', requestId, sessionId: this.sessionId, approved }),
        (event) => (event.type === 'immediate_response' && event.status === 200 ? { value: event } : undefined),
      ).subscribe({
        next: (value) => subscriber.next(value),
        error: (err: unknown) => {
          if (err instanceof SmoothProtocolError) {
            this.reportMoot(err);
            // Refused while still parked: the human answers again, with no timeout meanwhile.
            if (RESUME_ERRORS.has(err.code) && this.phase === 'parked') this.park();
          }
          subscriber.error(err);
        },
        complete: () => subscriber.complete(),
      });
      return () => {
        this.confirms?.delete(subscriber);
        inner.unsubscribe();
      };
    });
  }

  submitInteraction(answer: InteractionAnswer): Observable<InteractionOutcome> {
    return new Observable<InteractionOutcome>((subscriber) => {
      if (!this.live) return subscriber.error(new SmoothTurnEndedError(this.requestId));
      const submit: PendingSubmit = { subscriber, timer: undefined };
      this.submits.push(submit);
      try {
        // Sent under the turn's requestId (servers expect it); its answers are told apart from the
        // turn's own events by `submits`.
        this.connection.send({
          action: 'submit_interaction',
          requestId: this.requestId,
          sessionId: this.sessionId,
          interactionId: answer.interactionId,
          ...(answer.kind !== undefined ? { kind: answer.kind } : {}),
          // Typed kinds' values (interfaces) are plain JSON objects on the wire.
          ...(answer.declined === true ? { declined: true } : { values: answer.values as InteractionValues }),
        });
      } catch (err) {
        this.submits.splice(this.submits.indexOf(submit), 1);
        return subscriber.error(err);
      }
      this.answerSent();
      const { requestTimeoutMs, scheduler } = this.deps.options;
      if (requestTimeoutMs > 0) {
        submit.timer = scheduler.schedule(() => {
          submit.subscriber = undefined;
          subscriber.error(new SmoothTimeoutError('REQUEST_TIMEOUT', this.requestId, requestTimeoutMs));
        }, requestTimeoutMs);
      }
      return () => {
        submit.timer?.unsubscribe();
        submit.subscriber = undefined;
      };
    });
  }

  verifyOtp(code: string): Observable<OtpOutcome> {
    // Not tied to a live turn: servers end the turn before the code is verified.
    return this.resume((requestId) => ({ action: 'verify_otp', requestId, sessionId: this.sessionId, code }), (event) =>
      event.type === 'otp_verified' || event.type === 'otp_invalid' ? { value: event } : undefined,
    );
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

  private resume<T extends ServerEvent>(build: RequestSpec<T>['build'], answer: RequestSpec<T>['answer']): Observable<T> {
    const { requestTimeoutMs, scheduler } = this.deps.options;
    return request<T>(this.connection, {
      build,
      answer,
      // The ack is part of the turn's story: it continues in the turn stream too.
      onAnswer: (event) => {
        // Bound even after the end (an OTP answer), so turnOf() works on it downstream.
        bindTurn(event as TurnEvent, this);
        if (!this.live) return;
        this.emit(event as TurnEvent);
        if (stepTurn(this.machinePhase, event).phase === 'running') this.unpark();
      },
      onSent: () => this.answerSent(),
      timeoutMs: requestTimeoutMs,
      scheduler,
    });
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

  /** Answers a submit: its outcome, its error, or (undefined) nothing: the turn ended first. */
  private settleSubmit(submit: PendingSubmit, outcome: InteractionOutcome | SmoothError | undefined): void {
    submit.timer?.unsubscribe();
    const subscriber = submit.subscriber;
    submit.subscriber = undefined;
    if (subscriber === undefined) return;
    if (outcome instanceof Error) return subscriber.error(outcome);
    if (outcome !== undefined) subscriber.next(outcome);
    subscriber.complete();
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
    // A resume still unanswered when the turn ends normally is moot: it completes quietly. A
    // draining turn keeps its submits' entries: their answers still arrive, and are theirs.
    if (this.phase === 'draining') this.settleResumes(error ?? new SmoothTurnEndedError(this.requestId));
    else for (const submit of this.submits.splice(0)) this.settleSubmit(submit, error);
    for (const confirm of [...(this.confirms ?? [])]) {
      if (error !== undefined) confirm.error(error);
      else confirm.complete();
    }
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
    this.inactivity.stop();
    this.drainTimer?.unsubscribe();
    this.connection.unregister(this.requestId);
    this.deps.pool.release(this);
  }

  private drain(): void {
    this.phase = 'draining';
    this.inactivity.stop();
    const { cancelDrainMs, scheduler } = this.deps.options;
    this.drainTimer = scheduler.schedule(() => this.finishDrain(undefined), cancelDrainMs);
  }

  /** Waiting for a human: no inactivity timeout. */
  private park(): void {
    if (!this.live) return;
    this.phase = 'parked';
    // A cancel owes an answer whatever else happens: it stays guarded.
    if (!this.cancelSent) this.inactivity.stop();
  }

  /**
   * The human answered (confirm, submit, cancel): the server owes the next move, so the turn is
   * guarded again while it stays parked, and ends with TURN_TIMEOUT if nothing comes.
   */
  private answerSent(): void {
    if (this.phase === 'parked') this.inactivity.start();
  }

  /** An answer refused because its ask was already resolved (the turn went on without it) is reported. */
  private reportMoot(error: SmoothProtocolError): void {
    if (this.phase !== 'running' || !RESUME_ERRORS.has(error.code)) return;
    this.connection.report({ kind: 'moot-answer', message: `${error.code} for an answer on ${this.requestId}, whose ask was already resolved`, event: error.event, requestId: this.requestId });
  }

  /** Settles every resume still waiting (the turn was abandoned); their answers are still consumed as they come. */
  private settleResumes(error: SmoothError): void {
    for (const submit of this.submits) this.settleSubmit(submit, error);
    for (const confirm of [...(this.confirms ?? [])]) confirm.error(error);
  }

  private unpark(): void {
    if (this.phase !== 'parked') return;
    this.phase = 'running';
    this.inactivity.start();
  }

  /** No event for the timeout: like an abandoned turn, cancel and hold the slot until the server confirms. */
  private expire(): void {
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
