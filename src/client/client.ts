import { asyncScheduler, map, type Observable } from 'rxjs';
import type {
  ConversationList,
  ConversationMessage,
  ConversationMessagesPage,
  ConversationSummary,
  CreateConversationSessionAction,
  PongEvent,
  Session,
} from '../generated/types.js';
// The namespace itself, not the index's re-export: bundlers then keep only the validators read.
import * as objectValidators from '../generated/validators/objects.js';
import type { TurnRequest } from '../turn/context.js';
import type { TurnEvent } from '../turn/turn-event.js';
import { refusesCredentials, type ConnectionState } from './connection.js';
import { walkPages } from './pages.js';
import { ConnectionPool } from './pool.js';
import type { Diagnostic } from './diagnostics.js';
import type { ResolvedOptions, SmoothClientOptions } from './options.js';
import { replyOf, request } from './request.js';
import { createSession, type SessionOptions, type SmoothSession } from './session.js';
import { turn } from './turn.js';

/** What `createSession` sends: `create_conversation_session` without the envelope. */
export type CreateSessionOptions = Omit<CreateConversationSessionAction, 'action' | 'requestId'>;

export interface GetMessagesOptions {
  sessionId: string;
  /** 1..100; server default 50. */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}

export interface AllMessagesOptions {
  sessionId: string;
  /** Messages fetched per request, 1..100. @default 50 */
  pageSize?: number;
}

/**
 * A client of one smooth-operator server over one multiplexed WebSocket. Every method returns a
 * cold Observable: nothing is sent until it is subscribed, and each subscription sends anew.
 */
export interface SmoothClient {
  /** Connection state; replays the current state to each subscriber. Completes on `close()`. */
  readonly state$: Observable<ConnectionState>;
  /** Frames that failed validation, unknown event types, unroutable and late events. Hot. */
  readonly diagnostics$: Observable<Diagnostic>;
  /** Opens a session (or, with `conversationId`, resumes that conversation with a new session). */
  createSession(options: CreateSessionOptions): Observable<Session>;
  getSession(sessionId: string): Observable<Session>;
  /** One page of history, newest first. */
  getMessages(options: GetMessagesOptions): Observable<ConversationMessagesPage>;
  /** Every message of the history, newest first, fetching the next page only when this one has been consumed. */
  allMessages(options: AllMessagesOptions): Observable<ConversationMessage>;
  /** The caller's conversations, most recent first. */
  listConversations(options?: { limit?: number }): Observable<ConversationSummary[]>;
  ping(): Observable<PongEvent>;
  /**
   * A turn: subscribing sends `send_message`; emits every event of the turn in order and
   * completes after `eventual_response` or `cancelled`; a terminal `error` errors it with
   * `SmoothProtocolError`. Unsubscribing early sends `cancel`. Answer the agent with
   * `turnOf(event)` or the operators of `smooth-operator-rx/operators`.
   */
  turn(request: TurnRequest): Observable<TurnEvent>;
  /**
   * A handle on one conversation that survives reconnects: creates its session on first use,
   * resumes it (same `conversationId`, new `sessionId`) after a lost connection, runs turns on it
   * and can stop them from anywhere. See {@link SmoothSession}.
   *
   * @example
   * const session = client.session({ agentId: 'support', userName: 'Alice' });
   * session.info$.subscribe((s) => console.log('session', s.sessionId));
   * session.turn('Where is my order?').pipe(text()).subscribe(render);
   * stopButton.onclick = () => session.cancel();
   */
  session(options: SessionOptions): SmoothSession;
  /** Closes the socket (code 1000); everything in flight errors with CLIENT_CLOSED. */
  close(): void;
}

/**
 * Creates a client. Nothing connects until the first request or turn is subscribed.
 *
 * @example
 * const client = createSmoothClient({ url: 'ws://127.0.0.1:8787/ws', token });
 * client.createSession({ agentId: 'support', userName: 'Alice' }).pipe(
 *   switchMap((session) => client.turn({ sessionId: session.sessionId, message: 'Where is my order?' })),
 *   text(),
 * ).subscribe((answer) => render(answer));
 */
export function createSmoothClient(options: SmoothClientOptions): SmoothClient {
  const resolved: ResolvedOptions = {
    url: options.url,
    token: options.token,
    headers: options.headers,
    protocols: options.protocols,
    webSocketImpl: options.webSocketImpl,
    requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
    turnTimeoutMs: options.turnTimeoutMs ?? 120_000,
    turnConcurrency: options.turnConcurrency ?? 'queue',
    cancelDrainMs: options.cancelDrainMs ?? 10_000,
    validateOutgoing: options.validateOutgoing ?? false,
    retryAttempts: options.retryAttempts ?? 10,
    retryBaseDelayMs: options.retryBaseDelayMs ?? 500,
    retryMaxDelayMs: options.retryMaxDelayMs ?? 30_000,
    shouldRetry: options.shouldRetry ?? ((close) => !refusesCredentials(close)),
    connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? (onTestingSocket(options.webSocketImpl) ? 0 : 15_000),
    heartbeatTimeoutMs: options.heartbeatTimeoutMs ?? 5_000,
    lazyCloseTimeoutMs: options.lazyCloseTimeoutMs ?? 30_000,
    maxQueuedActions: options.maxQueuedActions ?? 1000,
    maxConnections: Math.max(1, Math.floor(options.maxConnections ?? 1)),
    scheduler: options.scheduler ?? asyncScheduler,
  };
  const pool = new ConnectionPool(resolved);
  const connection = pool.primary;
  const { requestTimeoutMs: timeoutMs, scheduler } = resolved;
  const sessionReply = replyOf<Session>(objectValidators.Session);
  const pageReply = replyOf<ConversationMessagesPage>(objectValidators.ConversationMessagesPage);
  const listReply = replyOf<ConversationList>(objectValidators.ConversationList);
  // Idempotent for the client's own callers (re-sent after a drop); a session handle asks again
  // itself, on the resumed session.
  const messagesPage = (page: GetMessagesOptions, idempotent: boolean) =>
    request(connection, { build: (requestId) => ({ ...page, action: 'get_conversation_messages', requestId }), answer: pageReply, timeoutMs, scheduler, idempotent });

  const client: SmoothClient = {
    state$: pool.state$,
    diagnostics$: pool.diagnostics$,
    createSession: (session) =>
      request(connection, { build: (requestId) => ({ ...session, action: 'create_conversation_session', requestId }), answer: sessionReply, timeoutMs, scheduler }),
    getSession: (sessionId) => request(connection, { build: (requestId) => ({ action: 'get_session', requestId, sessionId }), answer: sessionReply, timeoutMs, scheduler, idempotent: true }),
    getMessages: (page) => messagesPage(page, true),
    allMessages: ({ sessionId, pageSize }) =>
      walkPages((cursor) => client.getMessages({ sessionId, ...(pageSize !== undefined ? { limit: pageSize } : {}), ...(cursor !== undefined ? { cursor } : {}) })),
    listConversations: (list = {}) =>
      request(connection, {
        build: (requestId) => ({ ...list, action: 'list_conversations', requestId }),
        answer: listReply,
        timeoutMs,
        scheduler,
        idempotent: true,
      }).pipe(map((reply) => reply.conversations)),
    ping: () =>
      request(connection, {
        build: (requestId) => ({ action: 'ping', requestId }),
        answer: (event) => (event.type === 'pong' ? { value: event } : undefined),
        timeoutMs,
        scheduler,
        isPing: true,
        idempotent: true,
      }),
    turn: (turnRequest) => turn({ pool, options: resolved, turn: client.turn }, turnRequest),
    session: (sessionOptions) =>
      createSession(
        {
          connection,
          createSession: client.createSession,
          turn: (turnRequest, owner) => turn({ pool, options: resolved, turn: client.turn }, turnRequest, owner),
          getMessages: (page) => messagesPage(page, false),
        },
        sessionOptions,
      ),
    close: () => pool.close(),
  };
  return client;
}

/** The testing kit's sockets say so: marble tests get no periodic heartbeat unless they ask for one. */
function onTestingSocket(impl: SmoothClientOptions['webSocketImpl']): boolean {
  return (impl as { smoothTestingSocket?: unknown } | undefined)?.smoothTestingSocket === true;
}
