/** The testing controller: a fake server behind `createSmoothClient({ webSocketImpl })`. */
import { asyncScheduler, type SchedulerLike } from 'rxjs';
import type { RunHelpers, TestScheduler } from 'rxjs/testing';
import type { ClientAction, ClientActionName, ClientActionOf, SendMessageAction, ServerEvent } from '../../generated/types.js';
import { isHeartbeatPing } from '../../client/heartbeat.js';
import type { WebSocketImplementation } from '../../client/options.js';
import { validateEvent } from '../../validation/validate.js';
import { FakeSockets, FakeWebSocket } from '../fake-socket.js';
import { pongFrame } from '../frames.js';
import { TestCancel, TestConfirm, TestRequest, TestSubmit, TestVerifyOtp, type RequestActionName, type RequestActions } from './expectations.js';
import { Slot, TestingControllerError, type ControllerLink, type Recorded, type TurnProgress } from './handle.js';
import { bulletList, describeAction, describeExpectation, matches, type ActionMatcher } from './matching.js';
import { TestTurn } from './test-turn.js';
import { awaiting, pendingAnswer, unawaited } from './answers.js';
import { answerOf, apply, refusalOf, resume } from './turn-rules.js';


/** Options of {@link SmoothTestingController}. */
export interface TestingControllerOptions {
  /**
   * Complete each WebSocket handshake by itself: on the scheduler's next tick (frame 0 inside
   * `TestScheduler.run()`), or at once when the controller is used before that (so that
   * imperative tests are synchronous). With `false`, call `open()`.
   * @default true
   */
  autoOpen?: boolean;
  /**
   * Scheduler of the handshake and of every scheduled answer.
   * @default asyncScheduler (virtual inside `TestScheduler.run()`)
   */
  scheduler?: SchedulerLike;
  /**
   * Where frame 0 of every handle's timeline (`at()`, `play()`) is. `'action'`: when its action
   * was matched, so a confirm's answers count from the confirm and the turn's from the turn.
   * `'run'`: the start of `TestScheduler.run()`, for every handle, so one test spanning several
   * handles reads one timeline, the same as its `expectObservable` marbles (use it inside
   * `run()` only; a frame before the action was sent is then a test error, reported by `verify()`).
   * @default 'action'
   */
  timeline?: 'action' | 'run';
}

/** Options of {@link SmoothTestingController.verify}. */
export interface VerifyOptions {
  /** Do not fail on turns that were accepted (202) and never ended. @default false */
  allowOpenTurns?: boolean;
}

/** Selects the `send_message` of a turn: its exact message, a RegExp of it, fields, or a predicate. */
export type TurnMatcher = string | RegExp | ActionMatcher<SendMessageAction>;

/** The handle `match()` returns for each action. */
export interface ActionHandles {
  send_message: TestTurn;
  confirm_tool_action: TestConfirm;
  submit_interaction: TestSubmit;
  verify_otp: TestVerifyOtp;
  cancel: TestCancel;
  create_conversation_session: TestRequest<'create_conversation_session'>;
  get_session: TestRequest<'get_session'>;
  get_conversation_messages: TestRequest<'get_conversation_messages'>;
  list_conversations: TestRequest<'list_conversations'>;
  ping: TestRequest<'ping'>;
}

/**
 * A fake smooth-operator server for tests of code that uses the client, in the spirit of
 * Angular's `HttpTestingController`: give its `WebSocket` to `createSmoothClient`, let the code
 * run, then *expect* the actions the client sent and *answer* them as a reference server would.
 *
 * Each `expect…` consumes one action. When a matching action was already sent it is matched at
 * once (several matching: throws); otherwise the expectation waits for the next matching action,
 * so answers can be declared up front inside `TestScheduler.run()` and scheduled with
 * `at(frame)` / `play(marbles)` on the action's timeline. Answering an expectation now, before its
 * action was sent, throws a descriptive error. `verify()` fails on anything left over.
 *
 * It keeps the protocol's rules, so a test cannot pass on a fake that lies: nothing of a turn
 * before its `accept()`, and nothing of a parked turn but its ending until the client's answer
 * was acked. Put `verify()` in `afterEach` (it then also runs after a failed test, whatever the
 * teardown order), and run marble tests through {@link SmoothTestingController.run} so a failing
 * marble also says which expectation never matched.
 *
 * @example
 * const server = new SmoothTestingController();
 * const client = createSmoothClient({ url: 'ws://test/ws', webSocketImpl: server.WebSocket });
 * testScheduler.run(({ expectObservable }) => {
 *   expectObservable(client.turn({ sessionId: 's1', message: 'Where is my order?' }).pipe(text()))
 *     .toBe('-ab(c|)', { a: 'Hel', b: 'Hello', c: 'Hello!' });
 *   server.expectTurn('Where is my order?').play('-ab(c|)', {
 *     a: (t) => t.accept().token('Hel'),
 *     b: (t) => t.token('lo'),
 *     c: (t) => t.respond('Hello!'),
 *   });
 * });
 * server.verify();
 */
export class SmoothTestingController {
  /** The WebSocket constructor to give to `createSmoothClient({ webSocketImpl })`. */
  readonly WebSocket: WebSocketImplementation;
  private readonly sockets: FakeSockets;
  private readonly scheduler: SchedulerLike;
  private readonly autoOpen: boolean;
  private readonly log: Recorded[] = [];
  private readonly waiting: Array<Slot<ClientAction>> = [];
  private readonly failures: unknown[] = [];
  private interactionCount = 0;
  private readonly link: ControllerLink;

  constructor(options: TestingControllerOptions = {}) {
    this.scheduler = options.scheduler ?? asyncScheduler;
    this.autoOpen = options.autoOpen ?? true;
    this.sockets = new FakeSockets({ autoOpen: this.autoOpen, scheduler: this.scheduler, onAction: (action, socket) => this.record(action, socket) });
    this.WebSocket = this.sockets.WebSocket;
    const timeline = options.timeline ?? 'action';
    this.link = {
      scheduler: this.scheduler,
      timeline,
      origin: () => (timeline === 'run' ? 0 : this.scheduler.now()),
      unawaited: (answer) => unawaited(this.log, answer),
      resume: (answer) => {
        const turn = awaiting(this.log, answer)?.turn;
        if (turn !== undefined) resume(turn, answer);
      },
      refused: (answer) => {
        answer.answered = true;
      },
      deliver: (socket, frame, by) => this.deliver(socket, frame, by),
      unclaimed: () => this.unclaimed().map((entry) => describeAction(entry.action)),
      failed: (error) => this.failures.push(error),
      runningTurn: (socket, requestId) => this.runningTurn(socket, requestId),
      mintInteractionId: () => `interaction-${++this.interactionCount}`,
    };
  }

  /**
   * Expects a turn: a `send_message` whose message equals the string (or matches the RegExp, the
   * fields, the predicate).
   * @throws TestingControllerError when several sent actions match.
   */
  expectTurn(match?: TurnMatcher): TestTurn {
    const matcher: ActionMatcher<SendMessageAction> | undefined = typeof match === 'string' || match instanceof RegExp ? { message: match } : match;
    return new TestTurn(this.expect('send_message', matcher, describeExpectation('expectTurn', match)));
  }

  /** Expects a `confirm_tool_action` (e.g. `{ approved: false }`). */
  expectConfirm(match?: ActionMatcher<ClientActionOf<'confirm_tool_action'>>): TestConfirm {
    return new TestConfirm(this.expect('confirm_tool_action', match, describeExpectation('expectConfirm', match)));
  }

  /** Expects a `submit_interaction` (e.g. `{ interactionId }`, `{ declined: true }`). */
  expectSubmit(match?: ActionMatcher<ClientActionOf<'submit_interaction'>>): TestSubmit {
    return new TestSubmit(this.expect('submit_interaction', match, describeExpectation('expectSubmit', match)));
  }

  /** Expects a `verify_otp` (e.g. `{ code: '123456' }`). */
  expectVerifyOtp(match?: ActionMatcher<ClientActionOf<'verify_otp'>>): TestVerifyOtp {
    return new TestVerifyOtp(this.expect('verify_otp', match, describeExpectation('expectVerifyOtp', match)));
  }

  /** Expects a `cancel`: answer it with `confirm()`. */
  expectCancel(match?: ActionMatcher<ClientActionOf<'cancel'>>): TestCancel {
    return new TestCancel(this.expect('cancel', match, describeExpectation('expectCancel', match)));
  }

  /** Expects a request: `get_session`, `get_conversation_messages`, `list_conversations`, `create_conversation_session` or `ping`. */
  expectRequest<K extends RequestActionName>(action: K, match?: ActionMatcher<RequestActions[K]>): TestRequest<K> {
    return new TestRequest<K>(this.expect<RequestActions[K]>(action, match, describeExpectation('expectRequest', match, action)));
  }

  /**
   * Consumes every sent action of this kind that matches (none waits for later ones) and returns
   * their handles, in sending order.
   */
  match<K extends ClientActionName>(action: K, match?: ActionMatcher<ClientActionOf<K>>): Array<ActionHandles[K]> {
    this.settle();
    const description = describeExpectation('match', match, action);
    return this.candidates(action, match).map((entry) => {
      const slot = new Slot<ClientActionOf<K>>(action, description, this.link);
      slot.bind(entry as Recorded<ClientActionOf<K>>);
      return handleFor(action, slot);
    });
  }

  /** @throws TestingControllerError when a sent, unconsumed action of this kind matches. */
  expectNone<K extends ClientActionName>(action: K, match?: ActionMatcher<ClientActionOf<K>>): void {
    this.settle();
    const found = this.candidates(action, match);
    if (found.length > 0) {
      throw new TestingControllerError(`${describeExpectation('expectNone', match, action)}: found\n${bulletList(found.map((e) => describeAction(e.action)))}`);
    }
  }

  /** Every action the client sent, in order, over every connection. */
  get sent(): ClientAction[] {
    this.settle();
    return this.log.map((entry) => entry.action);
  }

  /** The sent actions no expectation consumed yet. */
  get unmatched(): ClientAction[] {
    this.settle();
    return this.unclaimed().map((entry) => entry.action);
  }

  /**
   * Throws a TestingControllerError listing, if any: sent actions no expectation consumed,
   * expectations never matched, turns accepted and never ended (unless `allowOpenTurns`), and
   * errors of scheduled answers (a frame a server would not send: before `accept()`, or for a
   * parked turn before the client's answer was acked). A turn counts as open whether or not the
   * client has closed its connection since, so `client.close()` before or after `verify()` gives
   * the same verdict; only a close by the server side (`drop()`, `serverClose()`,
   * `dropConnection()`, `closeConnection()`) ends it, as a disconnect aborts a turn.
   * Call it in `afterEach(() => server.verify())`: it then runs also when the test failed first.
   */
  verify(options: VerifyOptions = {}): void {
    const problems = this.problems(options);
    if (problems.length > 0) throw new TestingControllerError(`SmoothTestingController.verify() failed.\n${problems.join('\n')}`);
  }

  /**
   * Runs `scheduler.run(callback)`. When the run fails (a marble assertion, a throw), the error
   * it throws also lists what `verify()` finds, so a marble diff (say, a silence timeout at frame
   * 30000) does not hide the expectation that never matched and why. A passing run is not
   * verified: keep `verify()` for the end of the test.
   *
   * @example
   * server.run(new TestScheduler((a, b) => expect(a).toEqual(b)), ({ expectObservable }) => {
   *   expectObservable(client.turn({ sessionId: 's1', message: 'hi' }).pipe(text())).toBe('--(a|)', { a: 'Hello' });
   *   server.expectTurn('hi').at(1).accept().at(2).respond('Hello');
   * });
   */
  run<T>(scheduler: TestScheduler, callback: (helpers: RunHelpers) => T): T {
    try {
      return scheduler.run(callback);
    } catch (error) {
      const problems = this.problems({});
      if (problems.length === 0) throw error;
      const failure = error instanceof Error ? error.message : String(error);
      throw new TestingControllerError(`TestScheduler.run() failed, and the testing controller reports:\n${problems.join('\n')}\n\nThe run's failure:\n${failure}`, { cause: error });
    }
  }

  // Connection ---------------------------------------------------------------------------------

  /** The most recent connection. @throws Error when the client has not connected. */
  get socket(): FakeWebSocket {
    return this.sockets.current;
  }

  /** Every connection the client opened, oldest first. */
  get connections(): readonly FakeWebSocket[] {
    return this.sockets.all;
  }

  /** Completes the handshake of every connection still connecting (needed with `autoOpen: false`). */
  open(): void {
    for (const socket of this.sockets.all) socket.open();
  }

  /** The server closes the current connection cleanly (close frame). Running turns are aborted. */
  serverClose(code = 1000, reason = ''): void {
    this.socket.serverClose(code, reason);
  }

  /** The current connection drops without a close handshake (1006). Running turns are aborted. */
  drop(): void {
    this.socket.fail();
  }

  /**
   * Sends a raw frame on the current connection, unvalidated: an object is serialized, a string
   * is sent as is. For testing how the client copes with bad frames.
   */
  sendRaw(frame: unknown): void {
    this.settle();
    this.socket.receive(frame);
  }

  // Internals ----------------------------------------------------------------------------------

  private problems(options: VerifyOptions): string[] {
    this.settle();
    const problems: string[] = [];
    const unclaimed = this.unclaimed();
    if (unclaimed.length > 0) problems.push(`Actions sent that no expectation matched:\n${bulletList(unclaimed.map((e) => describeAction(e.action)))}`);
    if (this.waiting.length > 0) {
      const lines = this.waiting.map((slot) => `${slot.description}${slot.deferredCount > 0 ? ` (${slot.deferredCount} scheduled answer(s) never sent)` : ''}`);
      problems.push(`Expectations never matched:\n${bulletList(lines)}`);
    }
    const open = this.log.filter((e) => e.turn?.accepted === true && e.turn.ended === undefined && (e.socket.readyState === FakeWebSocket.OPEN || e.socket.clientClose !== undefined));
    if (options.allowOpenTurns !== true && open.length > 0) {
      const lines = open.map((e) => `${describeAction(e.action)}${this.parkNote(e)}`);
      problems.push(`Turns accepted and never ended (respond, cancelled, error; or verify({ allowOpenTurns: true })):\n${bulletList(lines)}`);
    }
    const unanswered = this.log.some((e) => e.turn !== undefined && e.turn.ended === undefined && e.turn.parked !== undefined && this.answerTo(e) === undefined);
    if (unanswered) problems.push(PROMISE_HINT);
    if (this.failures.length > 0) problems.push(`Scheduled answers that failed:\n${bulletList(this.failures.map((f) => (f instanceof Error ? f.message : String(f))))}`);
    return problems;
  }

  /** `parked on …`, and whether the client answered: for a turn left open. */
  private parkNote(entry: Recorded): string {
    const parked = entry.turn?.parked;
    if (parked === undefined) return '';
    const answer = this.answerTo(entry);
    const state = answer === undefined ? `the client never sent its ${answerOf(parked.ask)}` : `its ${answerOf(parked.ask)} ${answer.action.requestId} was never acked`;
    return ` — parked on ${parked.ask} (${parked.subject}) since time ${parked.at}: ${state}`;
  }

  /**
   * The client's answer to a parked turn: a confirm or submit of its session on its socket, sent
   * after the ask — or a cancel of it (the user stopped instead of answering; the server decides
   * how the turn ends).
   */
  private answerTo(entry: Recorded): Recorded | undefined {
    const parked = entry.turn?.parked;
    if (parked === undefined) return undefined;
    const kind = answerOf(parked.ask);
    return this.log.find(
      (e) =>
        e.socket === entry.socket &&
        (e.action.action === kind || (e.action.action === 'cancel' && e.action.requestId === entry.action.requestId)) &&
        'sessionId' in e.action &&
        'sessionId' in entry.action &&
        e.action.sessionId === entry.action.sessionId &&
        e.seq >= parked.after,
    );
  }

  private expect<A extends ClientAction>(kind: A['action'], matcher: ActionMatcher<A> | undefined, description: string): Slot<A> {
    this.settle();
    const slot = new Slot<A>(kind, description, this.link);
    const found = this.candidates(kind, matcher);
    if (found.length > 1) {
      throw new TestingControllerError(`${description}: ${found.length} sent actions match, expected one:\n${bulletList(found.map((e) => describeAction(e.action)))}`);
    }
    const erased = slot as unknown as Slot<ClientAction>;
    erased.matcher = (action) => matches(action, matcher);
    const [entry] = found;
    if (entry !== undefined) erased.bind(entry);
    else this.waiting.push(erased);
    return slot;
  }

  private candidates(kind: string, matcher: unknown): Recorded[] {
    return this.unclaimed().filter((entry) => entry.action.action === kind && matches(entry.action, matcher));
  }

  private unclaimed(): Recorded[] {
    return this.log.filter((entry) => entry.claimedBy === undefined);
  }

  private record(action: ClientAction, socket: FakeWebSocket): void {
    // The client's own heartbeat: answered at once, as a live server would, so that a test sees
    // only what its code sent (a test of the heartbeat itself uses fake sockets).
    if (action.action === 'ping' && isHeartbeatPing(action.requestId)) {
      if (socket.readyState === FakeWebSocket.OPEN) socket.receive(pongFrame(action.requestId));
      return;
    }
    const entry: Recorded = {
      action,
      socket,
      sentAt: this.scheduler.now(),
      seq: this.log.length,
      answered: false,
      claimedBy: undefined,
      turn: action.action === 'send_message' ? { accepted: false, ended: undefined, parked: undefined, denied: undefined } : undefined,
    };
    this.log.push(entry);
    const index = this.waiting.findIndex((slot) => slot.kind === action.action && slot.matcher(action));
    const slot = this.waiting[index];
    if (slot === undefined) return;
    this.waiting.splice(index, 1);
    slot.bind(entry);
  }

  private deliver(socket: FakeWebSocket, frames: readonly ServerEvent[], by: string): void {
    for (const frame of frames) {
      const result = validateEvent(frame);
      if (!result.valid) {
        const why = result.unknownType ? `unknown type ${result.type}` : result.errors.map((e) => e.message).join('; ');
        throw new TestingControllerError(`${by}: refusing to send an invalid ${frame.type} frame (${why})`);
      }
    }
    if (socket.readyState !== FakeWebSocket.OPEN) throw new TestingControllerError(`${by}: cannot send ${frames.map((f) => f.type).join(', ')}: the connection is closed`);
    // The whole batch is checked on copies before any of it goes out, so a refused one sends nothing.
    const replays = new Map<Recorded, TurnProgress>();
    const answered = new Set<Recorded>();
    for (const frame of frames) {
      const turn = this.turnOf(socket, frame);
      if (turn?.turn === undefined) continue;
      const replay = replays.get(turn) ?? { ...turn.turn };
      replays.set(turn, replay);
      const pending = pendingAnswer(this.log, turn, replay, answered);
      const refusal = refusalOf(frame, replay, pending !== undefined);
      if (refusal !== undefined) throw new TestingControllerError(`${by}: cannot send ${frame.type}: ${refusal}`);
      const shadow = pending === undefined ? undefined : { ...pending };
      apply(replay, frame, shadow, 0, this.log.length);
      if (pending !== undefined && shadow?.answered === true) answered.add(pending);
    }
    for (const frame of frames) {
      const turn = this.turnOf(socket, frame);
      const pending = turn?.turn === undefined ? undefined : pendingAnswer(this.log, turn, turn.turn, new Set());
      // Before receive(): the client may answer an ask synchronously, and that answer counts.
      const after = this.log.length;
      socket.receive(frame);
      if (turn?.turn !== undefined) apply(turn.turn, frame, pending, this.scheduler.now(), after);
    }
  }

  /** The running turn a frame belongs to: the latest on the socket with its requestId. */
  private turnOf(socket: FakeWebSocket, frame: ServerEvent): Recorded<SendMessageAction> | undefined {
    const { requestId } = frame;
    if (requestId === undefined) return undefined;
    const running = this.log.filter((e): e is Recorded<SendMessageAction> => e.socket === socket && e.turn !== undefined && e.turn.ended === undefined && e.action.requestId === requestId);
    return running[running.length - 1];
  }

  private runningTurn(socket: FakeWebSocket, requestId: string): Recorded<SendMessageAction> | undefined {
    const running = this.log.filter((e): e is Recorded<SendMessageAction> => e.socket === socket && e.turn !== undefined && e.turn.ended === undefined);
    return running.find((e) => e.action.requestId === requestId) ?? running[0];
  }

  /** Completes pending handshakes, so that an imperative test sees what the client sent. */
  private settle(): void {
    if (this.autoOpen) this.open();
  }
}

function handleFor<K extends ClientActionName>(action: K, slot: Slot<ClientActionOf<K>>): ActionHandles[K] {
  const as = <A extends ClientAction>(): Slot<A> => slot as unknown as Slot<A>;
  const handles: { [N in ClientActionName]: () => ActionHandles[N] } = {
    send_message: () => new TestTurn(as()),
    confirm_tool_action: () => new TestConfirm(as()),
    submit_interaction: () => new TestSubmit(as()),
    verify_otp: () => new TestVerifyOtp(as()),
    cancel: () => new TestCancel(as()),
    create_conversation_session: () => new TestRequest<'create_conversation_session'>(as()),
    get_session: () => new TestRequest<'get_session'>(as()),
    get_conversation_messages: () => new TestRequest<'get_conversation_messages'>(as()),
    list_conversations: () => new TestRequest<'list_conversations'>(as()),
    ping: () => new TestRequest<'ping'>(as()),
  };
  return handles[action]();
}

/** Why a parked turn may never have been answered inside virtual time. */
const PROMISE_HINT =
  'A turn is parked and the client never answered it. If your code answers with a Promise (an async handler, e.g. ' +
  'answerInteractions({ identity_intake: async () => … })), that Promise settles only after TestScheduler.run() has ' +
  'returned: virtual time runs rxjs schedulers, not Promises, so nothing was sent inside the run. Inside run(), answer ' +
  'with a value or an Observable: identity_intake: () => ({ values }), or () => timer(2).pipe(map(() => ({ values }))).';

/** Creates a {@link SmoothTestingController}. */
export function createTestingController(options?: TestingControllerOptions): SmoothTestingController {
  return new SmoothTestingController(options);
}
