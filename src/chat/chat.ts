import { BehaviorSubject, Observable, ReplaySubject, concat, defer, type Subscription } from 'rxjs';
import type { SmoothClient } from '../client/client.js';
import type { ConnectionState } from '../client/connection.js';
import type { SmoothSession } from '../client/session.js';
import { SmoothConversationLostError, SmoothSessionClosedError } from '../errors.js';
import { findTurnOf } from '../turn/context.js';
import type { TurnEvent } from '../turn/turn-event.js';
import { chatFault, connectionFaultOf, faultOf, isPassingLoss } from './faults.js';
import { MessageList } from './message-list.js';
import { assistantAfter, ended, historyMessage, isEnd, newAssistantMessage } from './reduce.js';
import { memoryChatStorage } from './storage.js';
import type {
  ChatAnswerOutcome,
  ChatAnswerValue,
  ChatAsk,
  ChatAssistantMessage,
  ChatFault,
  ChatMessage,
  ChatSendRequest,
  ChatState,
  ChatStatus,
  ChatUserMessage,
  SmoothChat,
  SmoothChatOptions,
} from './types.js';
import { ChatAsks, type AskHost, type AskingTurn } from './asks.js';

/** A turn of the chat, from `send` (or a retry, or a re-send after a verified code) to its end. */
interface LiveTurn extends AskingTurn {
  readonly user: ChatUserMessage;
  /** The conversation it belongs to (`newConversation()` starts the next). */
  readonly generation: number;
  /** The turn's answer, once accepted: the object currently listed. */
  assistant: ChatAssistantMessage | undefined;
  subscription: Subscription | undefined;
  /** Handed to the session (not held back behind the first history page). */
  released: boolean;
}

const DEFAULT_PAGE_SIZE = 20;
/** A turn ended before the server heard of it (stop, close): its message can be sent again. */
const STOPPED = (): ChatFault => chatFault('TURN_STOPPED', 'stopped before it was sent', true);

/**
 * Creates the chat of one conversation. With a `conversationId` (given, or kept in `storage`) it
 * resumes that conversation at once and loads the latest page of its history; without, nothing
 * is sent until the first message.
 *
 * @example
 * const chat = createSmoothChat(client, { agentId: 'support', userName: 'Alice', supports: ['identity_form'], storage: localStorageChatStorage() });
 * chat.state$.subscribe((state) => render(state.messages, state.status, state.pendingAsk));
 * chat.send('Where is my order?');
 * // later, from an Approve button: chat.answer(state.pendingAsk, true)
 */
export function createSmoothChat(client: SmoothClient, options: SmoothChatOptions): SmoothChat {
  return new Chat(client, options);
}

class Chat implements SmoothChat {
  private readonly messages = new MessageList();
  private readonly turns = new Set<LiveTurn>();
  private readonly asks: ChatAsks<LiveTurn>;
  /** What each message of this chat sent (model, skill, attachments), for `retry`. Per message, not per event. */
  private readonly requests = new Map<string, ChatSendRequest>();
  private readonly subject: BehaviorSubject<ChatState>;
  private readonly storage;
  private readonly storageKey: string;
  private readonly pageSize: number;
  private session!: SmoothSession;
  private sessionInfo: Subscription | undefined;
  private readonly connectionState: Subscription;
  private conversationId: string | undefined;
  /** The latest name a session of this chat gave the agent: kept across `newConversation()` (the same agent). */
  private agentName: string | undefined;
  private connection: ConnectionState = { status: 'idle' };
  /** Lost since the last open socket, and coming back: what `reconnecting` means to a user. */
  private lost = false;
  /** The last turn's fault (cleared by the next send) and one that ends the chat. */
  private turnFault: ChatFault | undefined;
  private fatalFault: ChatFault | undefined;
  private hasOlder = false;
  private cursor: string | undefined;
  private loading: Subscription | undefined;
  private closed = false;
  private sequence = 0;
  private flush: Subscription | undefined;
  private current: ChatState | undefined;
  /** Bumped by `newConversation()`: what belongs to an older one does nothing any more. */
  private generation = 0;
  /**
   * While the first page of a resumed conversation loads, messages wait for it: sent before it,
   * they would be stored before the page is read (asked again after a drop) and listed twice.
   */
  private historyGate: ReplaySubject<never> | undefined;
  /** The first page failed: `loadOlder()` asks for it again. */
  private firstPageMissing = false;

  constructor(
    private readonly client: SmoothClient,
    private readonly options: SmoothChatOptions,
  ) {
    const host: AskHost<LiveTurn> = {
      closed: () => this.closed,
      update: (turn, after) => this.update(turn, after),
      changed: () => this.changed(),
      resend: (turn) => this.resend(turn),
    };
    this.asks = new ChatAsks(host);
    this.storage = options.storage ?? memoryChatStorage(new Map());
    this.storageKey = options.storageKey ?? `smooth-operator-rx:chat:${options.agentId}:${options.userName ?? ''}`;
    this.pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
    this.subject = new BehaviorSubject(this.snapshot());
    this.connectionState = client.state$.subscribe((state) => this.onConnection(state));
    this.start(options.conversationId ?? safely(() => this.storage.get(this.storageKey)));
  }

  get state$(): Observable<ChatState> {
    return this.subject.asObservable();
  }

  get state(): ChatState {
    return this.snapshot();
  }

  // Commands -----------------------------------------------------------------------------------

  send(message: string | ChatSendRequest): ChatUserMessage {
    if (this.closed) throw new SmoothSessionClosedError();
    const request = typeof message === 'string' ? { message } : message;
    const user: ChatUserMessage = { id: this.nextId('u'), role: 'user', text: request.message, status: 'sending', error: undefined, createdAt: undefined };
    this.messages.append(user);
    // Kept only when there is more to it than the text (the message itself holds the text).
    if (typeof message !== 'string' && Object.keys(request).length > 1) this.requests.set(user.id, request);
    this.turnFault = undefined;
    this.run(this.newTurn(user, request));
    return user;
  }

  stop(): boolean {
    if (this.closed) return false;
    let stopped = this.session.cancel();
    // What the session does not know yet: messages held behind the first history page, and
    // re-sends waiting on a code being verified.
    for (const turn of [...this.turns]) {
      if (turn.released) continue;
      stopped = true;
      turn.subscription?.unsubscribe();
      this.failUser(turn, STOPPED());
      this.turns.delete(turn);
    }
    if (this.asks.verifying.size > 0) stopped = true;
    this.asks.verifying.clear();
    if (stopped) this.changed();
    return stopped;
  }

  answer<A extends ChatAsk>(ask: A, value: ChatAnswerValue<A>): Observable<ChatAnswerOutcome> {
    return this.asks.respond(ask, value, false);
  }

  decline(ask: ChatAsk): Observable<ChatAnswerOutcome> {
    return this.asks.respond(ask, undefined, true);
  }

  retry(message: ChatMessage): boolean {
    if (this.closed || this.fatalFault !== undefined) return false;
    const user = message.role === 'user' ? message : this.messages.find(message.replyTo ?? '');
    if (user === undefined || user.role !== 'user') return false;
    const latest = this.messages.find(user.id) as ChatUserMessage | undefined;
    if (latest === undefined || [...this.turns].some((turn) => turn.user.id === user.id)) return false;
    const answers = this.messages.all.filter((m): m is ChatAssistantMessage => m.role === 'assistant' && m.replyTo === user.id);
    const cut = (m: ChatAssistantMessage): boolean => m.status === 'interrupted' || m.status === 'failed' || (m.ask?.type === 'otp' && m.ask.status === 'interrupted');
    if (latest.status !== 'failed' && !answers.some(cut)) return false;
    for (const answer of answers) if (answer.status === 'interrupted' || answer.status === 'failed') this.messages.remove(answer);
    // In place: the new answer follows its message and the answers it already has.
    const again: ChatUserMessage = { ...latest, status: 'sending', error: undefined };
    this.messages.replace(latest, again);
    this.turnFault = undefined;
    this.run(this.newTurn(again, this.requests.get(user.id) ?? { message: again.text }));
    return true;
  }

  open(): void {
    if (this.closed || this.fatalFault !== undefined) return;
    const generation = this.generation;
    this.session.open().subscribe({
      error: (error: unknown) => {
        // A conversation the server forgot says so on info$; a session of an older conversation is gone.
        if (error instanceof SmoothConversationLostError || generation !== this.generation || this.closed) return;
        this.turnFault = faultOf(error);
        this.changed();
      },
    });
  }

  loadOlder(): void {
    if (this.closed || this.loading !== undefined) return;
    if (this.firstPageMissing) return this.loadPage(undefined);
    if (this.hasOlder) this.loadPage(this.cursor);
  }

  newConversation(): void {
    if (this.closed) return;
    safely(() => this.storage.remove(this.storageKey));
    this.end();
    this.generation++;
    this.asks.clear();
    this.firstPageMissing = false;
    this.messages.clear();
    this.requests.clear();
    this.turnFault = undefined;
    this.fatalFault = undefined;
    this.hasOlder = false;
    this.cursor = undefined;
    this.start(undefined);
    this.changed();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.end();
    this.connectionState.unsubscribe();
    this.flush?.unsubscribe();
    this.current = undefined;
    this.subject.next(this.snapshot());
    this.subject.complete();
  }

  // Lifecycle ----------------------------------------------------------------------------------

  private start(conversationId: string | undefined): void {
    const { storage: _s, storageKey: _k, pageSize: _p, renderScheduler: _r, conversationId: _c, ...sessionOptions } = this.options;
    this.conversationId = conversationId;
    this.session = this.client.session({ ...sessionOptions, ...(conversationId !== undefined ? { conversationId } : {}) });
    this.sessionInfo = this.session.info$.subscribe({
      next: (info) => {
        const agentName = info.agentName ?? this.agentName;
        if (info.conversationId === this.conversationId && agentName === this.agentName) return;
        this.agentName = agentName;
        if (info.conversationId !== this.conversationId) {
          this.conversationId = info.conversationId;
          safely(() => this.storage.set(this.storageKey, info.conversationId));
        }
        this.changed();
      },
      error: (error: unknown) => this.conversationLost(error),
    });
    // A conversation to resume: its latest messages first, and messages sent meanwhile after them.
    if (conversationId !== undefined) {
      this.historyGate = new ReplaySubject<never>();
      this.loadPage(undefined);
    }
  }

  /** Stops the session's turns and releases it; what was live ends as stopped. */
  private end(): void {
    this.sessionInfo?.unsubscribe();
    this.loading?.unsubscribe();
    this.loading = undefined;
    this.historyGate = undefined;
    for (const turn of [...this.turns]) {
      turn.subscription?.unsubscribe();
      if (turn.assistant === undefined) this.failUser(turn, STOPPED());
      this.settle(turn, 'cancelled', undefined);
    }
    this.session.close();
  }

  private conversationLost(error: unknown): void {
    this.fatalFault = faultOf(error);
    // Forgotten by the server: a reload starts a new conversation instead of failing again.
    if (error instanceof SmoothConversationLostError) safely(() => this.storage.remove(this.storageKey));
    this.changed();
  }

  private onConnection(state: ConnectionState): void {
    if (state.status === 'reconnecting') {
      this.lost = true;
      // A code is verified on the session that asked for it, which the resume replaces.
      if (this.asks.pending?.type === 'otp') this.asks.interrupt(this.asks.pending);
    } else if (state.status === 'open' || state.status === 'closed') {
      // Back after a loss: resume now, not at the next message, so that a conversation the server
      // forgot (a restart) is said at once. A failure shows on info$ (lost) or waits for the next use.
      if (state.status === 'open' && this.lost && this.conversationId !== undefined && this.fatalFault === undefined) this.session.open().subscribe({ error: () => undefined });
      this.lost = false;
    }
    this.connection = state;
    this.changed();
  }

  private loadPage(cursor: string | undefined): void {
    this.loading = this.session.historyPage({ limit: this.pageSize, ...(cursor !== undefined ? { cursor } : {}) }).subscribe({
      next: (page) => {
        // Pages come newest first; the chat lists oldest first. A message listed already (pages
        // that overlap) is not listed twice.
        const older: ChatMessage[] = [];
        for (let i = page.messages.length - 1; i >= 0; i--) {
          const message = page.messages[i] as (typeof page.messages)[number];
          if (this.messages.find(message.id) === undefined) older.push(historyMessage(message));
        }
        this.messages.prepend(older);
        this.hasOlder = page.hasMore && typeof page.nextCursor === 'string';
        this.cursor = page.nextCursor ?? undefined;
        this.firstPageMissing = false;
      },
      error: (error: unknown) => {
        this.loading = undefined;
        if (cursor === undefined) this.firstPageMissing = true;
        this.openGate();
        if (error instanceof SmoothConversationLostError) return this.conversationLost(error);
        this.turnFault = faultOf(error);
        this.changed();
      },
      complete: () => {
        this.loading = undefined;
        this.openGate();
        this.changed();
      },
    });
    if (this.loading.closed) this.loading = undefined;
    this.changed();
  }

  private openGate(): void {
    const gate = this.historyGate;
    this.historyGate = undefined;
    gate?.complete();
  }

  // Turns --------------------------------------------------------------------------------------

  private newTurn(user: ChatUserMessage, request: ChatSendRequest): LiveTurn {
    return { user, request, generation: this.generation, assistant: undefined, subscription: undefined, context: undefined, released: false };
  }

  private run(turn: LiveTurn): void {
    this.turns.add(turn);
    this.changed();
    const session = this.session;
    const send = defer(() => {
      turn.released = true;
      return session.turn(turn.request);
    });
    const turn$ = this.historyGate === undefined ? send : concat(this.historyGate, send);
    const subscription = turn$.subscribe({
      next: (event) => this.onEvent(turn, event),
      error: (error: unknown) => this.onTurnError(turn, error),
      complete: () => this.onTurnEnd(turn),
    });
    if (this.turns.has(turn)) turn.subscription = subscription;
  }

  /** Every event of every turn: one fold step, one snapshot. */
  private onEvent(turn: LiveTurn, event: TurnEvent): void {
    let before = turn.assistant;
    if (before === undefined) {
      // Accepted: the user message is sent, and its answer starts right after it.
      turn.context = findTurnOf(event);
      const sent: ChatUserMessage = { ...this.latestUser(turn), status: 'sent' };
      this.messages.replace(this.latestUser(turn), sent);
      before = newAssistantMessage(this.nextId('a'), turn.user.id);
      this.messages.insertAfter(this.lastOfExchange(turn.user.id) ?? sent, before);
      turn.assistant = before;
    }
    const after = assistantAfter(before, event);
    if (after !== before) this.update(turn, after);
    // The snapshot that shows the answer complete shows the chat idle too.
    if (isEnd(event)) this.turns.delete(turn);
    this.changed();
  }

  private onTurnEnd(turn: LiveTurn): void {
    // Completed with nothing at all: stopped before it was sent.
    if (turn.assistant === undefined) this.failUser(turn, STOPPED());
    this.turns.delete(turn);
    this.changed();
  }

  private onTurnError(turn: LiveTurn, error: unknown): void {
    const fault = faultOf(error);
    if (error instanceof SmoothConversationLostError) this.conversationLost(error);
    else if (!isPassingLoss(error)) this.turnFault = fault;
    if (turn.assistant === undefined) this.failUser(turn, fault);
    else this.settle(turn, isPassingLoss(error) ? 'interrupted' : 'failed', fault);
    this.turns.delete(turn);
    this.changed();
  }

  /** Ends the turn's answer as stopped, failed or cut (its pending park interrupted). */
  private settle(turn: LiveTurn, status: 'cancelled' | 'interrupted' | 'failed', fault: ChatFault | undefined): void {
    this.turns.delete(turn);
    const before = turn.assistant;
    if (before === undefined || before.status === 'complete' || before.status === 'cancelled') return;
    this.update(turn, ended(before, status, fault));
  }

  private failUser(turn: LiveTurn, fault: ChatFault): void {
    const user = this.latestUser(turn);
    this.messages.replace(user, { ...user, status: 'failed', error: fault });
  }

  // Asks ---------------------------------------------------------------------------------------

  /** Lists `after` in place of the turn's answer, and tells the asks if its ask changed. */
  private update(turn: LiveTurn, after: ChatAssistantMessage): void {
    const before = turn.assistant;
    if (before === undefined) return;
    this.messages.replace(before, after);
    turn.assistant = after;
    if (after.ask !== before.ask) this.asks.changed(turn, after.ask);
  }

  /** A code was verified: the message that needed it goes again, as a new turn answering the same user message. */
  private resend(turn: LiveTurn): void {
    // Not into another conversation, and not after the chat closed.
    if (this.closed || turn.generation !== this.generation) return;
    this.run(this.newTurn(this.latestUser(turn), turn.request));
  }

  // State --------------------------------------------------------------------------------------

  private latestUser(turn: LiveTurn): ChatUserMessage {
    return (this.messages.find(turn.user.id) as ChatUserMessage | undefined) ?? turn.user;
  }

  /** The last message of the exchange that starts at the user message (its earlier answers included). */
  private lastOfExchange(userId: string): ChatMessage | undefined {
    const all = this.messages.all;
    for (let i = all.length - 1; i >= 0; i--) {
      const message = all[i] as ChatMessage;
      if (message.id === userId || (message.role === 'assistant' && message.replyTo === userId)) return message;
    }
    return undefined;
  }

  private nextId(prefix: string): string {
    return `${prefix}${++this.sequence}`;
  }

  /** Something changed: a snapshot now, or one at the render scheduler's next tick. */
  private changed(): void {
    this.current = undefined;
    if (this.subject === undefined || this.closed) return;
    const scheduler = this.options.renderScheduler;
    if (scheduler === undefined) return this.subject.next(this.snapshot());
    this.flush ??= scheduler.schedule(() => {
      this.flush = undefined;
      if (!this.closed) this.subject.next(this.snapshot());
    });
  }

  private snapshot(): ChatState {
    return (this.current ??= {
      status: this.status(),
      messages: this.messages.all,
      pendingAsk: this.asks.pending,
      conversationId: this.conversationId,
      agentName: this.agentName,
      hasOlder: this.hasOlder,
      loadingHistory: this.loading !== undefined,
      connection: this.connection.status,
      error: this.fatalFault ?? this.connectionFault() ?? this.turnFault,
    });
  }

  private connectionFault(): ChatFault | undefined {
    return connectionFaultOf(this.connection);
  }

  private status(): ChatStatus {
    if (this.closed) return 'closed';
    const connection = this.connection;
    // The client was closed under the chat: nothing can go on.
    if (connection.status === 'closed' && connection.why === 'client') return 'closed';
    if (this.fatalFault !== undefined || this.connectionFault() !== undefined) return 'error';
    if (this.lost && (connection.status === 'reconnecting' || connection.status === 'connecting')) return 'reconnecting';
    // A parked turn waits for the user; a code left unanswered does not hide a turn that streams.
    const ask = this.asks.pending;
    if (ask !== undefined && ask.type !== 'otp') return 'awaiting-human';
    let submitted = this.asks.verifying.size > 0;
    for (const turn of this.turns) {
      if (turn.assistant !== undefined) return 'streaming';
      submitted = true;
    }
    if (submitted) return 'submitted';
    if (ask !== undefined) return 'awaiting-human';
    return this.turnFault !== undefined ? 'error' : 'idle';
  }

}

/** Storage may throw (quota, privacy mode): then the chat only forgets across reloads. */
function safely<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}
