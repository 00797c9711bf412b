import { Observable, defer, throwError, type Subscriber, type Subscription } from 'rxjs';
import { endsTurn, resumesTurn } from '../turn/rules.js';
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
 * A cold turn: each subscription is a new turn with a fresh requestId. `started` sees each turn's
 * context before it is queued (a session handle keeps it to stop the turn from elsewhere).
 */
export function turn(deps: TurnDeps, turnRequest: TurnRequest, started?: (context: TurnContext) => void): Observable<TurnEvent> {
  return new Observable<TurnEvent>((subscriber) => {
    const run = new TurnRun(deps, turnRequest, subscriber);
    started?.(run);
    run.enqueue();
    return () => run.abandon();
  });
}

/** `draining`: abandoned by its subscriber, `cancel` sent, holding the slot until the server ends it. */
type Phase = 'queued' | 'running' | 'parked' | 'draining' | 'ended';

interface PendingSubmit {
  /** Undefined once its caller unsubscribed: the answer is still expected and must be consumed. */
  subscriber: Subscriber<InteractionOutcome> | undefined;
  timer: Subscription | undefined;
}

/** Error codes that answer a resume (submit_interaction) rather than end the turn it was sent on. */
const RESUME_ERRORS = new Set(['INTERACTION_MISMATCH', 'NO_PENDING_INTERACTION', 'NO_PENDING_CONFIRMATION', 'VALIDATION_ERROR']);

class TurnRun implements TurnContext, Route, PooledTurn {
  readonly requestId: string;
  readonly sessionId: string;
  private phase: Phase = 'queued';
  private cancelSent = false;
  /** The server answered our cancel with UNSUPPORTED_ACTION. */
  private cancelRefused = false;
  private readonly submits: PendingSubmit[] = [];
  private readonly cancelWaiters = new Set<Subscriber<TurnEndEvent>>();
  /** Callers of confirm() still waiting: settled when the turn is abandoned. */
  private readonly confirms = new Set<Subscriber<ConfirmOutcome>>();
  private readonly timeoutMs: number;
  private readonly inactivity: InactivityDeadline;
  private drainTimer: Subscription | undefined;
  /** The latest ask (write confirmation, interaction), for a connection lost while parked on it. */
  private ask: TurnEvent | undefined;
  /** The connection the turn runs on, from its start: its parks and cancels belong to it. */
  private connection: Connection;

  constructor(
    private readonly deps: TurnDeps,
    readonly request: Readonly<TurnRequest>,
    private readonly subscriber: Subscriber<TurnEvent>,
  ) {
    this.connection = deps.pool.primary;
    this.requestId = this.connection.nextRequestId();
    this.sessionId = request.sessionId;
    this.timeoutMs = request.timeoutMs ?? deps.options.turnTimeoutMs;
    this.inactivity = new InactivityDeadline(deps.options.scheduler, this.timeoutMs, () => this.expire());
  }

  get status(): TurnStatus {
    return this.phase === 'draining' ? 'ended' : this.phase;
  }

  private get live(): boolean {
    return this.phase === 'running' || this.phase === 'parked';
  }

  enqueue(): void {
    const outcome = this.deps.pool.acquire(this, this.deps.options.turnConcurrency === 'queue');
    if (outcome === 'busy') {
      this.phase = 'ended';
      this.subscriber.error(new SmoothTurnInProgressError(this.deps.pool.activeRequestId ?? ''));
    }
  }

  start(connection: Connection): void {
    if (this.phase !== 'queued') return;
    this.connection = connection;
    // State first: a socket that fails inside send() ends the turn synchronously, and must find
    // nothing left to disarm after it.
    this.phase = 'running';
    registerTurn(this);
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
    } else if (this.live) {
      this.sendCancel();
      this.drain();
      this.settleResumes(new SmoothTurnEndedError(this.requestId));
    }
  }

  // Route --------------------------------------------------------------------------------------

  deliver(event: ServerEvent): void {
    if (event.type === 'error' && this.answersOurCancel(event)) return;
    if (this.phase === 'draining') {
      // The subscriber left; what still streams in until the server confirms the cancel is
      // reported, not dropped. An answer to a submit sent before the abandon is that submit's,
      // not the end of the turn.
      if (event.type === 'eventual_response' || event.type === 'cancelled') return this.finishDrain(event);
      const answersSubmit = event.type === 'error' ? RESUME_ERRORS.has(event.data.error.code) : event.type === 'interaction_invalid' || (event.type === 'immediate_response' && event.status === 200);
      if (answersSubmit && this.submits.shift() !== undefined) {
        return this.connection.report({ kind: 'late-event', message: `${event.type} answering a submit of ${this.requestId}, abandoned by its subscriber`, event });
      }
      if (event.type === 'error') return this.finishDrain(undefined);
      return this.connection.report({ kind: 'late-event', message: `${event.type} for ${this.requestId}, abandoned by its subscriber`, event });
    }
    this.inactivity.touch();
    switch (event.type) {
      case 'error': {
        // An error answering a resume we sent (INTERACTION_MISMATCH, ...) is that resume's: the
        // parked turn lives on. Any other error ends the turn, and the resume with it.
        const submit = RESUME_ERRORS.has(event.data.error.code) ? this.submits.shift() : undefined;
        if (submit === undefined) return this.end(new SmoothProtocolError(event));
        const error = new SmoothProtocolError(event);
        this.reportMoot(error);
        // Still parked on the ask (unless it was moot): the human answers again, with no timeout meanwhile.
        if (this.phase === 'parked') this.park();
        return this.settleSubmit(submit, error);
      }
      case 'eventual_response':
      case 'cancelled':
        return this.end(undefined, event);
      case 'immediate_response': {
        if (resumesTurn(event)) this.unpark();
        const submit = event.status === 200 ? this.submits.shift() : undefined;
        this.emit(event);
        if (submit !== undefined) this.settleSubmit(submit, event);
        return;
      }
      case 'interaction_invalid': {
        // Still parked: the human fixes the form, with no timeout meanwhile.
        this.park();
        const submit = this.submits.shift();
        this.emit(event);
        if (submit !== undefined) this.settleSubmit(submit, event);
        return;
      }
      case 'write_confirmation_required':
      case 'interaction_required':
        // Parked before the ask goes out: an answer given inside next(ask) finds the turn parked.
        this.park();
        this.ask = event;
        return this.emit(event);
      case 'pong':
        return this.connection.report({ kind: 'unexpected-event', message: `pong on turn ${this.requestId}`, event, requestId: this.requestId });
      default:
        if (resumesTurn(event)) this.unpark();
        return this.emit(event);
    }
  }

  /**
   * Servers answer `cancel` with nothing or with `cancelled`; a reduced deployment answers
   * UNSUPPORTED_ACTION, carrying the turn's requestId. That error is the cancel's, not the turn's:
   * the turn goes on (and, if abandoned, keeps the slot until it really ends or the drain expires).
   */
  private answersOurCancel(event: ProtocolErrorEvent): boolean {
    if (!this.cancelSent || this.cancelRefused || event.data.error.code !== 'UNSUPPORTED_ACTION') return false;
    this.cancelRefused = true;
    const error = new SmoothProtocolError(event);
    for (const waiter of this.cancelWaiters) waiter.error(error);
    this.cancelWaiters.clear();
    return true;
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
      this.confirms.add(subscriber);
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
        this.confirms.delete(subscriber);
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
      if (this.phase === 'queued') {
        this.abandon();
        this.subscriber.complete();
        return subscriber.complete();
      }
      if (!this.live) return subscriber.complete();
      this.cancelWaiters.add(subscriber);
      this.sendCancel();
      // An answer is due now: let the inactivity timeout guard it even if the turn was parked.
      this.answerSent();
      return () => this.cancelWaiters.delete(subscriber);
    });
  }

  resend(): Observable<TurnEvent> {
    return this.deps.turn(this.request);
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
        if (event.type === 'immediate_response') this.unpark();
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
    for (const confirm of [...this.confirms]) {
      if (error !== undefined) confirm.error(error);
      else confirm.complete();
    }
    this.settleCancelWaiters(endEvent);
    if (error !== undefined) this.subscriber.error(error);
    else this.subscriber.complete();
  }

  private settleCancelWaiters(endEvent: TurnEndEvent | undefined): void {
    for (const waiter of [...this.cancelWaiters]) {
      if (endEvent !== undefined) waiter.next(endEvent);
      waiter.complete();
    }
    this.cancelWaiters.clear();
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
    for (const confirm of [...this.confirms]) confirm.error(error);
  }

  private unpark(): void {
    if (this.phase !== 'parked') return;
    this.phase = 'running';
    this.inactivity.start();
  }

  /** No event for the timeout: like an abandoned turn, cancel and hold the slot until the server confirms. */
  private expire(): void {
    if (!this.live) return;
    this.sendCancel();
    this.drain();
    this.notifyEnd(new SmoothTimeoutError('TURN_TIMEOUT', this.requestId, this.timeoutMs));
  }
}
