import { Observable, ReplaySubject, catchError, defer, finalize, map, of, retry, share, switchMap, tap, throwError, type Subscription } from 'rxjs';
import type { ConversationMessage, ConversationMessagesPage, Session } from '../generated/types.js';
import { walkPages } from './pages.js';
import { SmoothConnectionLostError, SmoothConversationLostError, SmoothProtocolError, SmoothSessionClosedError } from '../errors.js';
import type { TurnContext, TurnRequest } from '../turn/context.js';
import type { TurnOwner } from './turn.js';
import type { TurnEvent } from '../turn/turn-event.js';
import type { CreateSessionOptions } from './client.js';
import type { Connection } from './connection.js';

/**
 * What `client.session()` creates: `create_conversation_session` without the envelope. With
 * `conversationId` it resumes that conversation; without, the first use starts a new one.
 */
export type SessionOptions = CreateSessionOptions;

/** What `session.turn()` sends: a turn request without the sessionId, which the handle supplies. */
export type SessionTurnRequest = Omit<TurnRequest, 'sessionId'>;

/**
 * One conversation with an agent, across sockets: the handle creates its session on first use,
 * and after the connection was lost re-creates it with the same `conversationId` (a resume, which
 * mints a new `sessionId`) before the next use, so callers never see a stale sessionId.
 * While the handle is open the client keeps the connection up: it reconnects after a loss and
 * does not close the socket as idle. `close()` releases it.
 */
export interface SmoothSession {
  /**
   * The session in use: emitted when it is created and again after every resume (a new
   * `sessionId`, the same `conversationId`). Replays the latest to each subscriber; subscribing
   * creates nothing. Completes on `close()`, and on the client's `close()`. Errors with
   * `SmoothConversationLostError` when the server answers a resume with another conversation (it
   * forgot this one): the handle has ended.
   */
  readonly info$: Observable<Session>;
  /** The latest session, or `undefined` before the first use. */
  readonly info: Session | undefined;
  /** The conversation, once known (given in the options or learnt from the first session). */
  readonly conversationId: string | undefined;
  /**
   * The session to use now: the current one, or a new one (created, or resumed after a lost
   * connection) when there is none. Cold; concurrent callers share one `create_conversation_session`.
   * Errors as `createSession` does (nothing is retried by itself: creating is not idempotent).
   */
  open(): Observable<Session>;
  /**
   * A turn on the current session (created or resumed first if needed): like `client.turn()`,
   * cold, one turn per subscription. The handle runs its turns one at a time, in order, and picks
   * the session as each one gets its connection, so a turn that waited through a reconnect (behind
   * its own handle's turns, or another handle's on a shared connection) goes out on the resumed
   * session. A turn in flight when the connection is lost errors with `SmoothConnectionLostError`
   * and is not re-sent; the next `turn()` runs on the resumed session. `turnOf(event).resend()` (and
   * so `verifyOtp`'s re-send) runs through the handle too: `cancel()` and `close()` reach it.
   *
   * @example
   * const session = client.session({ agentId: 'support', userName: 'Alice', supports: ['identity_form'] });
   * session.turn('Where is my order?').pipe(confirmWrites(() => of(true)), text()).subscribe(render);
   */
  turn(message: string | SessionTurnRequest): Observable<TurnEvent>;
  /**
   * The conversation's messages, newest first, fetched page by page as they are consumed (see
   * `client.allMessages`). Resumes the session first if needed.
   * @param options.pageSize messages per request, 1..100. @default 50
   */
  history(options?: { pageSize?: number }): Observable<ConversationMessage>;
  /**
   * One page of the conversation's messages, newest first (`get_conversation_messages`), on the
   * session in use when it is sent (resumed first if needed). A page lost with its socket is asked
   * again on the resumed session, never on a stale one.
   * @param options.limit messages per page, 1..100 (server default 50); `cursor`: the previous page's `nextCursor`.
   */
  historyPage(options?: { limit?: number; cursor?: string }): Observable<ConversationMessagesPage>;
  /**
   * Stops the session's running or queued turns, whichever part of the app subscribed to them
   * (a Stop button need not hold the turn): sends `cancel` on the turn's connection; each turn
   * stream then completes with the server's `cancelled` (or its `eventual_response`, if the answer
   * won the race); a turn still queued, or waiting for its session, completes at once and sends
   * nothing. Returns whether there was a turn to stop.
   */
  cancel(): boolean;
  /**
   * Releases the connection (it may close when idle) and completes `info$`. Turns still running
   * are stopped as by `cancel()`. Afterwards `open`, `turn` and `history` error with
   * `SmoothSessionClosedError`. Idempotent.
   */
  close(): void;
}

export interface SessionDeps {
  connection: Connection;
  createSession(options: CreateSessionOptions): Observable<Session>;
  turn(request: TurnRequest, owner: TurnOwner): Observable<TurnEvent>;
  /** Not re-sent by the connection after a drop: the handle asks again on the resumed session. */
  getMessages(options: { sessionId: string; limit?: number; cursor?: string }): Observable<ConversationMessagesPage>;
}

/** A lost socket that may come back: what the handle's own requests are asked again after. */
const lostForNow = (error: unknown): boolean => error instanceof SmoothConnectionLostError && error.retryable;

/** A `session.turn()` subscription: waiting (for its turn of the handle, for the session) until it has a context. */
interface SessionTurn {
  context: TurnContext | undefined;
  /** Ends it before it started: completes its subscriber, sends nothing. */
  stop(): void;
}

export function createSession(deps: SessionDeps, options: SessionOptions): SmoothSession {
  const infoSubject = new ReplaySubject<Session>(1);
  const turns = new Set<SessionTurn>();
  // The handle runs its turns one at a time and picks the session when each starts, not when it
  // was asked for: a turn queued behind one that a drop ended runs on the resumed session.
  const queue: Array<() => void> = [];
  let running = false;
  let current: { session: Session; generation: number } | undefined;
  let creating: Observable<Session> | undefined;
  let conversationId = options.conversationId;
  let release: (() => void) | undefined;
  let closed = false;
  let lost: SmoothConversationLostError | undefined;
  // The client's close ends the handle's story too: its state$ completes only then.
  const clientClosed = deps.connection.state$.subscribe({ complete: () => infoSubject.complete() });

  /** The handle has ended with its conversation: it says so, and lets the connection go. */
  const endLost = (error: SmoothConversationLostError): void => {
    if (!closed) infoSubject.error(error);
    release?.();
    release = undefined;
  };

  /** Current while the socket it was created on is the open one: any loss since means resume. */
  const usable = (): Session | undefined =>
    current !== undefined && current.generation === deps.connection.generation && deps.connection.state.status === 'open' ? current.session : undefined;

  const open = (): Observable<Session> =>
    defer(() => {
      if (closed) return throwError(() => new SmoothSessionClosedError());
      if (lost !== undefined) return throwError(() => lost);
      release ??= deps.connection.hold();
      const session = usable();
      if (session !== undefined) return of(session);
      creating ??= deps
        .createSession({ ...options, ...(conversationId !== undefined ? { conversationId } : {}) })
        .pipe(
          tap((created) => {
            if (conversationId !== undefined && created.conversationId !== conversationId) {
              // The server forgot the conversation and minted a fresh one: going on there would
              // answer in a conversation that has none of this one's history.
              lost ??= new SmoothConversationLostError(conversationId, created.conversationId);
              endLost(lost);
              throw lost;
            }
            // Learnt from the reply, so a resume after this socket goes keeps the conversation.
            conversationId = created.conversationId;
            current = { session: created, generation: deps.connection.generation };
            if (!closed) infoSubject.next(created);
          }),
          catchError((error: unknown) => {
            // Older servers refuse an unknown conversation instead of minting a fresh one: the same loss.
            if (conversationId === undefined || !(error instanceof SmoothProtocolError) || error.code !== 'CONVERSATION_NOT_FOUND') throw error;
            lost ??= new SmoothConversationLostError(conversationId, undefined);
            endLost(lost);
            throw lost;
          }),
          finalize(() => (creating = undefined)),
          share(),
        );
      return creating;
    });

  const next = (): void => {
    if (running) return;
    const start = queue.shift();
    if (start === undefined) return;
    running = true;
    start();
  };

  const stop = (): boolean => {
    let stopped = false;
    for (const turn of [...turns]) {
      if (turn.context === undefined) {
        stopped = true;
        turn.stop();
      } else if (turn.context.status !== 'ended') {
        stopped = true;
        // Fire and forget: the turn's own stream reports how it ended.
        turn.context.cancel().subscribe({ error: () => undefined });
      }
    }
    return stopped;
  };

  /**
   * What the handle asks again after its socket was lost (a resume, a history page): nothing of it
   * reached a server that kept it, so it waits for the next socket. open() waits for it.
   */
  const againAfterLoss = <T>() => retry<T>({ delay: (error: unknown) => (lostForNow(error) && !closed ? of(0) : throwError(() => error)) });

  // One key for all of the handle's turns, whatever their sessionId.
  const poolKey = {};
  /** The handle's side of a turn: its session picked as the turn starts, its re-sends the handle's. */
  const owner = (entry: SessionTurn): TurnOwner => ({
    key: poolKey,
    started: (context) => (entry.context = context),
    stale: (sessionId) => {
      if (current?.session.sessionId === sessionId) current = undefined;
    },
    session: () => open().pipe(againAfterLoss(), map((session) => session.sessionId)),
    resend: ({ sessionId: _stale, ...again }) => turn(again),
  });

  const historyPage = (page: { limit?: number; cursor?: string } = {}): Observable<ConversationMessagesPage> =>
    open().pipe(
      switchMap((session) => deps.getMessages({ sessionId: session.sessionId, ...page })),
      againAfterLoss(),
    );

  const turn = (message: string | SessionTurnRequest): Observable<TurnEvent> => {
    const request: SessionTurnRequest = typeof message === 'string' ? { message } : message;
    return new Observable<TurnEvent>((subscriber) => {
      let subscription: Subscription | undefined;
      let started = false;
      let done = false;
      const finish = (): void => {
        if (done) return;
        done = true;
        turns.delete(entry);
        if (started) {
          running = false;
          next();
        }
      };
      const entry: SessionTurn = { context: undefined, stop: () => subscriber.complete() };
      const begin = (): void => {
        started = true;
        if (subscriber.closed) return finish();
        subscription = deps.turn({ ...request, sessionId: '' }, owner(entry)).subscribe(subscriber);
      };
      turns.add(entry);
      queue.push(begin);
      next();
      return () => {
        const index = queue.indexOf(begin);
        if (index >= 0) queue.splice(index, 1);
        subscription?.unsubscribe();
        finish();
      };
    });
  };

  return {
    info$: infoSubject.asObservable(),
    get info() {
      return current?.session;
    },
    get conversationId() {
      return conversationId;
    },
    open,
    turn,
    // Each page on the session in use when it is fetched: a walk that outlives a reconnect goes on
    // on the resumed session (the cursor belongs to the conversation).
    history: ({ pageSize } = {}) => walkPages((cursor) => historyPage({ ...(pageSize !== undefined ? { limit: pageSize } : {}), ...(cursor !== undefined ? { cursor } : {}) })),
    historyPage,
    cancel: stop,
    close: () => {
      if (closed) return;
      closed = true;
      stop();
      infoSubject.complete();
      clientClosed.unsubscribe();
      release?.();
      release = undefined;
    },
  };
}
