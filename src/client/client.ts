import { map, type Observable } from 'rxjs';
import type {
  ConversationList,
  ConversationMessage,
  ConversationMessagesPage,
  ConversationSummary,
  CreateConversationSessionAction,
  PongEvent,
  ServerEvent,
  Session,
} from '../generated/types.js';
// The namespace itself, not the index's re-export: bundlers then keep only the validators read.
import * as objectValidators from '../generated/validators/objects.js';
import type { TurnRequest } from '../turn/context.js';
import type { TurnEvent } from '../turn/turn-event.js';
import type { Connection, ConnectionState } from './connection.js';
import { walkPages } from './pages.js';
import { Lanes } from './lanes.js';
import type { Diagnostic } from './diagnostics.js';
import { resolveOptions, type ResolvedOptions, type SmoothClientOptions } from './options.js';
import { replyOf, request, type Answer, type RequestSpec } from './request.js';
import { createSession, type SessionOptions, type SmoothSession } from './session.js';
import { turn, type TurnDeps } from './turn.js';
import { Deadlines } from './inactivity-deadline.js';

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
  return new Client(resolveOptions(options));
}

// Read once per process, not per client: a client holds no closure of its own for them.
const sessionReply = replyOf<Session>(objectValidators.Session);
const pageReply = replyOf<ConversationMessagesPage>(objectValidators.ConversationMessagesPage);
const listReply = replyOf<ConversationList>(objectValidators.ConversationList);
const pongReply = (event: ServerEvent): Answer<PongEvent> => (event.type === 'pong' ? { value: event } : undefined);

/**
 * The client: its methods live on the prototype and its state in private fields, so that an idle
 * client costs a few objects, not a closure per method.
 */
class Client implements SmoothClient {
  readonly state$: Observable<ConnectionState>;
  readonly diagnostics$: Observable<Diagnostic>;
  readonly #lanes: Lanes;
  readonly #connection: Connection;
  readonly #options: ResolvedOptions;
  /** What every turn of this client needs: one object for them all, not one per turn. */
  readonly #turnDeps: TurnDeps;

  constructor(options: ResolvedOptions) {
    this.#options = options;
    this.#lanes = options.pool?.open(options) ?? new Lanes(options);
    this.#connection = this.#lanes.primary;
    this.#turnDeps = { lanes: this.#lanes, options, deadlines: new Deadlines(options.scheduler), turn: this.turn.bind(this) };
    this.state$ = this.#lanes.state$;
    this.diagnostics$ = this.#lanes.diagnostics$;
  }

  createSession(session: CreateSessionOptions): Observable<Session> {
    return this.#request({ build: (requestId) => ({ ...session, action: 'create_conversation_session', requestId }), answer: sessionReply });
  }

  getSession(sessionId: string): Observable<Session> {
    return this.#request({ build: (requestId) => ({ action: 'get_session', requestId, sessionId }), answer: sessionReply, idempotent: true });
  }

  getMessages(page: GetMessagesOptions): Observable<ConversationMessagesPage> {
    return this.#messagesPage(page, true);
  }

  allMessages({ sessionId, pageSize }: AllMessagesOptions): Observable<ConversationMessage> {
    return walkPages((cursor) => this.getMessages({ sessionId, ...(pageSize !== undefined ? { limit: pageSize } : {}), ...(cursor !== undefined ? { cursor } : {}) }));
  }

  listConversations(list: { limit?: number } = {}): Observable<ConversationSummary[]> {
    return this.#request({ build: (requestId) => ({ ...list, action: 'list_conversations', requestId }), answer: listReply, idempotent: true }).pipe(map((reply) => reply.conversations));
  }

  ping(): Observable<PongEvent> {
    return this.#request({ build: (requestId) => ({ action: 'ping', requestId }), answer: pongReply, isPing: true, idempotent: true });
  }

  turn(turnRequest: TurnRequest): Observable<TurnEvent> {
    return turn(this.#turnDeps, turnRequest);
  }

  session(sessionOptions: SessionOptions): SmoothSession {
    return createSession(
      {
        connection: this.#connection,
        createSession: (session) => this.createSession(session),
        turn: (turnRequest, owner) => turn(this.#turnDeps, turnRequest, owner),
        // A session handle asks again itself, on the resumed session: not re-sent after a drop.
        getMessages: (page) => this.#messagesPage(page, false),
      },
      sessionOptions,
    );
  }

  close(): void {
    this.#lanes.close();
  }

  // Idempotent for the client's own callers (re-sent after a drop).
  #messagesPage(page: GetMessagesOptions, idempotent: boolean): Observable<ConversationMessagesPage> {
    return this.#request({ build: (requestId) => ({ ...page, action: 'get_conversation_messages', requestId }), answer: pageReply, idempotent });
  }

  #request<T>(spec: Omit<RequestSpec<T>, 'timeoutMs' | 'scheduler'>): Observable<T> {
    return request(this.#connection, { ...spec, timeoutMs: this.#options.requestTimeoutMs, scheduler: this.#options.scheduler });
  }
}
