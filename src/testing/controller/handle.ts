/**
 * The machinery shared by every expectation handle: which sent action it answers (once matched),
 * its timeline (frame 0 = the moment it matched), and how its answers are sent now or scheduled.
 */
import type { SchedulerLike } from 'rxjs';
import type { ClientAction, SendMessageAction, ServerEvent } from '../../generated/types.js';
import { FakeWebSocket } from '../fake-socket.js';
import type { TypesOf } from '../../turn/rules.js';
import type { ResumeAction } from './turn-rules.js';
import { bulletList } from './matching.js';
import { parseScript } from './marbles.js';

/** Thrown for a test that does not hold: an expectation that is not met, or a misused controller. */
export class TestingControllerError extends Error {
  override readonly name = 'TestingControllerError';
}

/** How a turn ended, as far as the controller is concerned. */
export type TurnEnding = 'responded' | 'cancelled' | 'error' | 'stopped';

/** @internal What a parked turn waits for: the ask it sent, and the client's answer that resumes it. */
export interface Parked {
  readonly ask: TypesOf<'ask'>;
  /** The tool to confirm, or the interaction id. */
  readonly subject: string;
  /** The tool that runs only if the client approves. */
  readonly tool: string | undefined;
  /** Scheduler time the ask went out. */
  readonly at: number;
  /** How many actions the client had sent when the ask went out: only a later one answers it. */
  readonly after: number;
}

/** @internal What the controller knows of a turn (a `send_message`). */
export interface TurnProgress {
  accepted: boolean;
  /** `stopped`: cancelled through `expectCancel().confirm()`; its scheduled steps are dropped. */
  ended: TurnEnding | undefined;
  /** Set by its ask, cleared when the client's answer is acked (`expectConfirm().ack()`, `expectSubmit().ack()`). */
  parked: Parked | undefined;
  /** The gated tool the client denied: a server does not run it. */
  denied: string | undefined;
}

/** @internal One action the client sent. */
export interface Recorded<A extends ClientAction = ClientAction> {
  readonly action: A;
  readonly socket: FakeWebSocket;
  /** Scheduler time of sending. */
  readonly sentAt: number;
  /** Its position among every action sent. */
  readonly seq: number;
  /** For an answer to a park: the server answered it (acked or refused), so nothing more will. */
  answered: boolean;
  /** The expectation that consumed it. */
  claimedBy: string | undefined;
  /** For `send_message` only. */
  readonly turn: TurnProgress | undefined;
}

/** @internal The controller, as handles see it. */
export interface ControllerLink {
  readonly scheduler: SchedulerLike;
  /**
   * Validates `frames` and sends them over `socket`, keeping the rules of the turn each belongs to
   * (by requestId) whichever handle sends it; throws, sending none, when one is invalid or refused
   * or the socket is not open.
   */
  deliver(socket: FakeWebSocket, frames: readonly ServerEvent[], by: string): void;
  /** Descriptions of the sent actions no expectation consumed. */
  unclaimed(): string[];
  /** Records a failure of scheduled work (reported again by `verify()`). */
  failed(error: unknown): void;
  /** The turn a `cancel` on `socket` stops: the one named by requestId, else the earliest running one. */
  runningTurn(socket: FakeWebSocket, requestId: string): Recorded<SendMessageAction> | undefined;
  /** A fresh interaction id: `interaction-1`, `interaction-2`, ... */
  mintInteractionId(): string;
  /** Why no park waits for this answer (`undefined`: one does), e.g. it was sent before the ask. */
  unawaited(answer: Recorded<ResumeAction>): string | undefined;
  /** The answer was acked: the turn parked on it goes on. */
  resume(answer: Recorded<ResumeAction>): void;
  /** The answer was refused (an error): the turn stays parked. */
  refused(answer: Recorded<ResumeAction>): void;
  /** Frame 0 of a timeline bound now: the scheduler's time, or 0 with `timeline: 'run'`. */
  origin(): number;
  readonly timeline: 'action' | 'run';
}

/** @internal The state every view of one expectation shares. */
export class Slot<A extends ClientAction> {
  entry: Recorded<A> | undefined;
  /** Which sent actions this expectation takes (kind aside). */
  matcher: (action: A) => boolean = () => true;
  origin = 0;
  private readonly deferred: Array<{ offset: number; work: () => void }> = [];

  constructor(
    readonly kind: A['action'],
    readonly description: string,
    readonly link: ControllerLink,
  ) {}

  /** Steps scheduled while unmatched, for `verify()`. */
  get deferredCount(): number {
    return this.deferred.length;
  }

  bind(entry: Recorded<A>): void {
    entry.claimedBy = this.description;
    this.entry = entry;
    this.origin = this.link.origin();
    for (const { offset, work } of this.deferred.splice(0)) {
      // Bound from inside the client's send: a frame already past is the test's mistake, reported
      // by verify(), not thrown into the client.
      try {
        this.schedule(offset, work);
      } catch (error) {
        this.link.failed(error);
      }
    }
  }

  schedule(offset: number, work: () => void): void {
    if (this.entry === undefined) {
      this.deferred.push({ offset, work });
      return;
    }
    const { scheduler } = this.link;
    const delay = this.origin + offset - scheduler.now();
    if (delay < 0) {
      throw new TestingControllerError(
        `${this.description}: frame ${offset} of its timeline (time ${this.origin + offset}) is already past (now ${scheduler.now()}). ${this.link.timeline === 'run' ? 'Frames count from the start of the run (timeline: "run").' : 'Frames count from when the action was matched.'}`,
      );
    }
    scheduler.schedule(() => {
      // Recorded for verify(), not rethrown: outside TestScheduler a throw would escape from a
      // timer as an uncaught exception (and cancel the other answers due in that tick).
      try {
        work();
      } catch (error) {
        this.link.failed(error);
      }
    }, delay);
  }

  pendingError(): TestingControllerError {
    return new TestingControllerError(
      `${this.description}: no matching ${this.kind} has been sent (yet).\n` +
        `Actions sent and not consumed by an expectation:\n${bulletList(this.link.unclaimed())}\n` +
        'Expectations declared before the client sends wait for the action: inside TestScheduler.run(), schedule the answers with .at(frame) or .play(marbles).',
    );
  }
}

/**
 * An expectation of one action the client sends, and the server's answers to it.
 *
 * A handle acts *now* (each method sends its frame synchronously; the action must have been
 * sent), or on its timeline: `handle.at(2)` is a view of the same expectation whose methods
 * schedule their frames at frame 2 of the timeline, on the controller's scheduler
 * (`asyncScheduler`, virtual inside `TestScheduler.run()`). Scheduled answers may be declared
 * before the action is sent. Answers scheduled on a connection that has closed are dropped: a
 * disconnect aborts the turn.
 *
 * One rule for frames: a frame number always counts from frame 0 of the timeline, never from
 * another view. `at(5).at(2)` is frame 2; `play(marbles)` reads its marble from frame 0, like
 * `cold()`, and is called on the handle (on an `at()` view it throws: pad the marble instead,
 * `'-----a'` or `'5ms a'`). Frame 0 is when the action was matched (the later of its sending and
 * the `expect…` call), or the start of the run for every handle with the controller's
 * `timeline: 'run'` option.
 */
export abstract class ActionHandle<A extends ClientAction> {
  /** @internal Created by the controller. */
  constructor(
    /** @internal */
    protected readonly slot: Slot<A>,
    /** @internal Frame of this view on the timeline; `undefined`: now. */
    protected readonly offset: number | undefined = undefined,
  ) {}

  /** Whether the expected action has been sent (and consumed by this expectation). */
  get matched(): boolean {
    return this.slot.entry !== undefined;
  }

  /**
   * The action the client sent.
   * @throws TestingControllerError when it has not been sent yet.
   */
  get action(): A {
    return this.recorded().action;
  }

  /** The action's `requestId`. @throws TestingControllerError when it has not been sent yet. */
  get requestId(): string {
    return this.action.requestId;
  }

  /** Scheduler time at which the client sent it. @throws TestingControllerError when not sent yet. */
  get sentAt(): number {
    return this.recorded().sentAt;
  }

  /** How this expectation reads in messages, e.g. `expectTurn({ message: "hi" })`. */
  get description(): string {
    return this.slot.description;
  }

  /**
   * A view whose answers are scheduled at `frame` of this expectation's timeline, counted from
   * frame 0 whatever view it is called on (frame 0 is when the action was matched, or the start
   * of the run with `timeline: 'run'`). Chain `.at()` again to move on:
   * `turn.at(1).accept().at(3).token('x')` sends the token at frame 3, not 4.
   */
  at(frame: number): this {
    if (!Number.isInteger(frame) || frame < 0) throw new TestingControllerError(`${this.description}: at(${frame}): a frame is an integer >= 0`);
    return this.view(frame);
  }

  /** A view whose answers are sent now, synchronously (the default view). */
  now(): this {
    return this.view(undefined);
  }

  /**
   * Schedules steps with a marble diagram on this expectation's timeline, from its frame 0 (as
   * every frame counts), one frame per character, `(ab)` grouping, spaces ignored, `10ms` time
   * progression, `|` ignored. Each character names a step, called at its frame with the handle.
   *
   * @throws TestingControllerError on an `at()` view (its frame would be ignored); pad the marble.
   * @example
   * turn.play('-a-bc(d|)', {
   *   a: (t) => t.accept(),
   *   b: (t) => t.token('Hel'),
   *   c: (t) => t.token('lo'),
   *   d: (t) => t.respond('Hello'),
   * });
   */
  play(marbles: string, steps: Readonly<Record<string, (handle: this) => unknown>>): this {
    if (this.offset !== undefined) {
      throw new TestingControllerError(
        `${this.description}: at(${this.offset}).play("${marbles}"): play() counts from frame 0 of the timeline, as every frame does; call it on the handle and pad the marble ('${'-'.repeat(Math.min(this.offset, 10))}…' or '${this.offset}ms …')`,
      );
    }
    const immediate = this.view(undefined);
    for (const { frame, key } of parseScript(marbles)) {
      const step = steps[key];
      if (step === undefined) throw new TestingControllerError(`${this.description}: play("${marbles}"): no step for '${key}'`);
      this.later(frame, () => step(immediate));
    }
    return this;
  }

  /**
   * Sends any server event (validated) on this action's connection, now or at this view's frame:
   * the escape hatch for frames no method builds.
   */
  emit(event: ServerEvent | ((requestId: string) => ServerEvent)): this {
    return this.step((entry) => this.send(entry, typeof event === 'function' ? event(entry.action.requestId) : event));
  }

  /** The connection this action came on drops without a close handshake (1006), now or at this view's frame. */
  dropConnection(): this {
    return this.step((entry) => entry.socket.fail());
  }

  /** The server closes the connection this action came on (a clean close), now or at this view's frame. */
  closeConnection(code = 1000, reason = ''): this {
    return this.step((entry) => entry.socket.serverClose(code, reason));
  }

  /** @internal The matched action, or the descriptive "not sent" error. */
  protected recorded(): Recorded<A> {
    const entry = this.slot.entry;
    if (entry === undefined) throw this.slot.pendingError();
    return entry;
  }

  /** @internal Runs `work` now, or schedules it at this view's frame. */
  protected step(work: (entry: Recorded<A>) => void): this {
    if (this.offset === undefined) work(this.recorded());
    else this.later(this.offset, () => work(this.recorded()));
    return this;
  }

  /** @internal Validates and sends frames on the action's connection: all of them, or none. */
  protected send(entry: Recorded<A>, ...frames: ServerEvent[]): void {
    this.slot.link.deliver(entry.socket, frames, this.description);
  }

  /** @internal Whether a scheduled step no longer applies (the server would not send it). */
  protected dropped(entry: Recorded<A>): boolean {
    return entry.socket.readyState !== FakeWebSocket.OPEN;
  }

  private later(offset: number, work: () => void): void {
    this.slot.schedule(offset, () => {
      if (!this.dropped(this.recorded())) work();
    });
  }

  private view(offset: number | undefined): this {
    // A shallow copy sharing the slot: every view of one expectation has the same state.
    return Object.assign(Object.create(Object.getPrototypeOf(this) as object) as this, this, { offset });
  }
}
