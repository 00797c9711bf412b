import type { Observable, SchedulerLike } from 'rxjs';
import type {
  ChoicesSpec,
  ChoicesValues,
  Citation,
  IdentityIntakeSpec,
  IdentityIntakeValues,
  InteractionFieldError,
  OtpInvalid,
  OtpSent,
  ToolCall,
  ToolResult,
  Usage,
} from '../generated/types.js';
import type { ConnectionStatus } from '../client/connection.js';
import type { SessionOptions, SessionTurnRequest } from '../client/session.js';
import type { AnyInteractionValues } from '../turn/context.js';
import type { ChatStorage } from './storage.js';

/**
 * Where the conversation is, for the one indicator a chat UI shows:
 * - `idle`: nothing running; `submitted`: a message is on its way (no answer yet);
 * - `streaming`: the agent is answering; `awaiting-human`: an ask waits for the user;
 * - `reconnecting`: the connection was lost and is coming back;
 * - `error`: the last turn failed, or the conversation cannot go on (see `error`);
 * - `closed`: `close()` was called.
 */
export type ChatStatus = 'idle' | 'submitted' | 'streaming' | 'awaiting-human' | 'reconnecting' | 'error' | 'closed';

/**
 * A fault, typed. `code` is stable: the error's code, or one of the chat's own for what ends the
 * whole chat (`CONVERSATION_LOST`, `CONNECTION_REFUSED`, `RETRIES_EXHAUSTED`) or an ask or message
 * (`ASK_CLOSED`, `TURN_STOPPED`). `retryable` says whether sending again may help.
 */
export interface ChatFault {
  readonly code: string;
  readonly message: string;
  /** A turn cut by a lost connection, a timeout: the same message may succeed again. */
  readonly retryable: boolean;
  /** The error itself (a `SmoothError` subclass for every fault this package raises). */
  readonly error: unknown;
}

/** The answer, as it streams: joined tokens (after the turn, the server's final text). */
export interface ChatTextPart {
  readonly type: 'text';
  readonly text: string;
}
/** The model's reasoning channel: never part of the answer. */
export interface ChatReasoningPart {
  readonly type: 'reasoning';
  readonly text: string;
}
/** A short "what I am about to do" line; removed once the answer starts, as servers mean it. */
export interface ChatPreamblePart {
  readonly type: 'preamble';
  readonly text: string;
}
/** A tool the agent ran: its call, then its result in place. */
export interface ChatToolPart {
  readonly type: 'tool';
  readonly name: string;
  readonly call: ToolCall;
  readonly result: ToolResult | undefined;
  /** `running` until the result; `failed` when the result is an error (a denied write included). */
  readonly status: 'running' | 'succeeded' | 'failed';
}
/** The sources of the answer (after the turn), as the server ranked them. */
export interface ChatCitationsPart {
  readonly type: 'citations';
  readonly citations: readonly Citation[];
}
/** Model usage of the turn (after the turn). */
export interface ChatUsagePart {
  readonly type: 'usage';
  readonly usage: Usage;
}
/** The agent asks for a human to take over (`needsEscalation` on the final response). */
export interface ChatEscalationPart {
  readonly type: 'escalation';
  readonly reason: string | undefined;
}
export type ChatPart = ChatTextPart | ChatReasoningPart | ChatPreamblePart | ChatToolPart | ChatCitationsPart | ChatUsagePart | ChatEscalationPart;

/**
 * Where an ask is: `pending` (waiting for the user), `answered`, `declined`, `refused` (the server
 * refused the answer and the ask cannot be answered any more: no pending confirmation, a locked
 * code), `interrupted` (the turn ended or was cut while it waited: stopped, a lost connection).
 */
export type ChatAskStatus = 'pending' | 'answered' | 'declined' | 'refused' | 'interrupted';

interface ChatAskBase {
  /** Stable for the ask's life: `answer()` and `decline()` find it by this. */
  readonly id: string;
  readonly status: ChatAskStatus;
  /** The assistant message the ask belongs to. */
  readonly messageId: string;
}

/** Approve or deny a write tool (`write_confirmation_required`): `answer(ask, true | false)`. */
export interface ChatConfirmAsk extends ChatAskBase {
  readonly type: 'confirm';
  readonly toolId: string;
  readonly actionDescription: string;
}

interface ChatInteractionBase extends ChatAskBase {
  readonly interactionId: string;
  readonly reason: string | undefined;
  /** The server's field errors for the last submitted values; `[]` until it rejects some. */
  readonly errors: readonly InteractionFieldError[];
  readonly invalidMessage: string | undefined;
}
/** An identity form (`interaction_required`, kind `identity_intake`): `answer(ask, { name, email, phone })`. */
export interface ChatIdentityAsk extends ChatInteractionBase {
  readonly type: 'identity_intake';
  readonly spec: IdentityIntakeSpec;
}
/** Multiple-choice questions (kind `choices`): `answer(ask, { answers: [...] })`. */
export interface ChatChoicesAsk extends ChatInteractionBase {
  readonly type: 'choices';
  readonly spec: ChoicesSpec;
}
/** An interaction of a kind this version does not know: its spec and values as plain JSON. */
export interface ChatInteractionAsk extends ChatInteractionBase {
  readonly type: 'interaction';
  readonly kind: string;
  readonly spec: { readonly [key: string]: unknown };
}
/**
 * A one-time code (`otp_verification_required`): `answer(ask, code)` verifies it, then the chat
 * re-sends the message that needed it as a new turn (servers do not resume across a code).
 */
export interface ChatOtpAsk extends ChatAskBase {
  readonly type: 'otp';
  readonly toolId: string;
  readonly actionDescription: string | undefined;
  readonly channels: readonly string[];
  /** Where the code went (`otp_sent`), once known. */
  readonly sent: OtpSent | undefined;
  /** The server's answer to the last wrong code (attempts remaining). */
  readonly invalid: OtpInvalid | undefined;
}
export type ChatAsk = ChatConfirmAsk | ChatIdentityAsk | ChatChoicesAsk | ChatInteractionAsk | ChatOtpAsk;

/** What an answer led to. The Observable `answer()` returns never errors: a failure is `refused`. */
export type ChatAnswerOutcome =
  | { readonly status: 'accepted' }
  /** The values (or code) were rejected; the ask stays pending with the errors: answer again. */
  | { readonly status: 'invalid'; readonly errors: readonly InteractionFieldError[]; readonly message: string | undefined; readonly attemptsRemaining: number | undefined }
  /** The answer could not be given: the ask was over, the server refused it, the connection went. */
  | { readonly status: 'refused'; readonly fault: ChatFault };

/** What the user wrote. */
export interface ChatUserMessage {
  readonly id: string;
  readonly role: 'user';
  readonly text: string;
  /**
   * `sending` until the server accepted the turn, then `sent`; `failed` when it never started (the
   * error is on `error`; `retry()` sends it again); `history` for messages loaded from the server.
   */
  readonly status: 'sending' | 'sent' | 'failed' | 'history';
  readonly error: ChatFault | undefined;
  /** ISO time, for messages from the server's history. */
  readonly createdAt: string | undefined;
}

/** What the agent answered, made of parts in the order they came. */
export interface ChatAssistantMessage {
  readonly id: string;
  readonly role: 'assistant';
  readonly parts: readonly ChatPart[];
  /**
   * `streaming`, `awaiting-human` (its ask is pending), `complete`, `cancelled` (stopped),
   * `interrupted` (cut by a lost connection: `retry()` re-sends the user message), `failed`
   * (the server ended it with an error, on `error`), `history` (loaded from the server).
   */
  readonly status: 'streaming' | 'awaiting-human' | 'complete' | 'cancelled' | 'interrupted' | 'failed' | 'history';
  /** The turn's latest ask, whatever its status. */
  readonly ask: ChatAsk | undefined;
  readonly error: ChatFault | undefined;
  /** The user message it answers (`undefined` for history). */
  readonly replyTo: string | undefined;
  readonly createdAt: string | undefined;
}

export type ChatMessage = ChatUserMessage | ChatAssistantMessage;

/**
 * The whole chat, one immutable snapshot per change. A message that did not change keeps its
 * identity from one snapshot to the next (so `track message` / OnPush views re-render only it).
 */
export interface ChatState {
  readonly status: ChatStatus;
  /** History (oldest first), then this page's turns. */
  readonly messages: readonly ChatMessage[];
  /** The ask waiting for the user now (the newest pending one), if any. */
  readonly pendingAsk: ChatAsk | undefined;
  /** The conversation, once known. */
  readonly conversationId: string | undefined;
  /**
   * The agent's display name, as the server's session gives it (`Session.agentName`), for a header.
   * `undefined` until a session is open (with the first message, at once for a resumed
   * conversation, or on `open()`) and while no session has given one; a session that gives none
   * keeps the name an earlier one gave (the same agent), also across `newConversation()`.
   */
  readonly agentName: string | undefined;
  /** The server has older messages than the first one here: `loadOlder()` fetches a page. */
  readonly hasOlder: boolean;
  /** A page of history is on its way (the first, or `loadOlder()`'s). */
  readonly loadingHistory: boolean;
  /** The connection as `client.state$` says it. */
  readonly connection: ConnectionStatus;
  /** The latest fault: of the last turn (cleared by the next `send`), or one that ends the chat. */
  readonly error: ChatFault | undefined;
}

/** What `send()` takes besides a plain string: a turn request (model, skill, attachments). */
export type ChatSendRequest = SessionTurnRequest;

/** Options of `createSmoothChat`: the session's (agent, user, capabilities), then the chat's own. */
export interface SmoothChatOptions extends Omit<SessionOptions, 'conversationId'> {
  /**
   * The conversation to resume. Given, it wins over the one kept in `storage`.
   * @default the conversation kept in `storage` under `storageKey`, else a new one
   */
  conversationId?: string;
  /**
   * Where the `conversationId` is kept, so that a new chat resumes the conversation and shows its
   * history: `localStorageChatStorage()` survives a browser reload, `memoryChatStorage()` a chat
   * created again in the same process (a component re-created). Without one, nothing is shared:
   * each new chat starts a new conversation (two chats of one agent and user in one process never
   * join each other's conversation by accident).
   * @default a memory of this chat only
   */
  storage?: ChatStorage;
  /**
   * The storage key. Two chats with the same key share the conversation.
   * @default `smooth-operator-rx:chat:<agentId>:<userName>`
   */
  storageKey?: string;
  /**
   * History messages fetched when the chat resumes, and by each `loadOlder()`: 1..100.
   * @default 20
   */
  pageSize?: number;
  /**
   * Coalesces state emissions: changes made before the scheduler's next tick are emitted as one
   * snapshot (pass `animationFrameScheduler` in a browser: at most one render per frame, however
   * fast the tokens stream). Marble tests pass a `TestScheduler`.
   * @default undefined: every change is emitted at once
   */
  renderScheduler?: SchedulerLike;
}

/**
 * Value an ask takes, by ask type. An ask not narrowed by `type` takes nothing (`never`): a
 * confirmation answered with a string would be sent as a denial, so narrow first.
 */
export type ChatAnswerValue<A extends ChatAsk> = [A] extends [ChatConfirmAsk]
  ? boolean
  : [A] extends [ChatIdentityAsk]
    ? IdentityIntakeValues
    : [A] extends [ChatChoicesAsk]
      ? ChoicesValues
      : [A] extends [ChatOtpAsk]
        ? string
        : [A] extends [ChatInteractionAsk]
          ? AnyInteractionValues
          : never;

/**
 * A conversation with an agent, as a chat UI needs it: the messages (history, then live turns, as
 * typed parts), the ask waiting for the user, one status, and the commands. Built on a session
 * handle, so it survives reconnects; with `storage`, it survives reloads too.
 */
export interface SmoothChat {
  /** The state: replays the current snapshot to each subscriber; completes on `close()`. */
  readonly state$: Observable<ChatState>;
  /** The current snapshot. */
  readonly state: ChatState;
  /**
   * Sends a message: it is in `messages` at once (`sending`), before the server accepted it.
   * Turns run one at a time, in order: a message sent while another turn runs waits for it.
   * @returns the user message as added.
   * @throws SmoothSessionClosedError after `close()`.
   */
  send(message: string | ChatSendRequest): ChatUserMessage;
  /** Stops the running (and any waiting) turn. Returns whether there was one. */
  stop(): boolean;
  /**
   * Answers an ask: `true`/`false` for a write confirmation, values for a form, the code for a
   * one-time code (once verified, the message that needed it is re-sent as a new turn). Sent at
   * once, whether or not the result is subscribed; it replays the outcome and never errors. A
   * second answer to the same ask sends nothing and returns the first one's outcome (after an
   * `invalid` outcome the ask is pending again, and a new answer is sent).
   */
  answer<A extends ChatAsk>(ask: A, value: ChatAnswerValue<A>): Observable<ChatAnswerOutcome>;
  /** Declines an ask: denies a write, declines a form, dismisses a one-time code (nothing sent). Idempotent like `answer`. */
  decline(ask: ChatAsk): Observable<ChatAnswerOutcome>;
  /**
   * Sends the user message of a failed or interrupted turn again, as a new turn (never done by
   * itself): the failed answer is removed and the message moves to the end. Takes the user message
   * or its assistant message. Returns whether it was sent.
   */
  retry(message: ChatMessage): boolean;
  /**
   * Opens the session now rather than with the first message, so that what it says (`agentName`,
   * `conversationId`) is known before the user writes: the server creates the conversation (or
   * resumes it). Nothing is sent if it is open already. A failure shows on `error`, and the next
   * message tries again.
   */
  open(): void;
  /** Fetches the page of history before the first message (see `hasOlder`). Does nothing while one loads. */
  loadOlder(): void;
  /** Stops what runs and starts over in a new conversation (the stored one is forgotten). */
  newConversation(): void;
  /** Stops what runs, releases the session and completes `state$`. Idempotent. */
  close(): void;
}
