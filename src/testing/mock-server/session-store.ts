/**
 * In-memory conversations, sessions and message history of the mock server, with the paging
 * and listing the request actions need.
 */
import { randomUUID } from 'node:crypto';
import type { ConversationMessage, ConversationMessagesPage, ConversationSummary, Session } from '../../generated/types.js';

export interface StoredMessage extends ConversationMessage {
  readonly direction: 'inbound' | 'outbound';
  readonly content: { text: string };
}

export interface Conversation {
  readonly conversationId: string;
  readonly userParticipantId: string;
  readonly agentParticipantId: string;
  readonly messages: StoredMessage[];
  /** Capabilities of the latest session; inherited by a resume that omits `supports`. */
  supports: readonly string[];
  userName: string | undefined;
  userEmail: string | undefined;
  updatedAt: number;
  /** Monotonic: orders conversations updated within the same millisecond. */
  updateSeq: number;
  /** Script entries this conversation's model calls have consumed: each conversation plays the script from its start. */
  scriptPosition: number;
}

export interface SessionRecord {
  readonly sessionId: string;
  readonly agentId: string;
  readonly conversation: Conversation;
  readonly supports: readonly string[];
  readonly userName: string | undefined;
  readonly userEmail: string | undefined;
  /** Identity verified by verify_otp. */
  verified: boolean;
  otpAttemptsLeft: number;
}

export interface NewSession {
  readonly agentId: string;
  readonly conversationId?: string | undefined;
  readonly supports?: readonly string[] | undefined;
  readonly userName?: string | undefined;
  readonly userEmail?: string | undefined;
}

/** A page request whose cursor this store did not issue. */
export class BadCursorError extends Error {}

export const DEFAULT_PAGE_LIMIT = 50;
const TITLE_MAX = 60;

export class SessionStore {
  private readonly conversations = new Map<string, Conversation>();
  private readonly sessions = new Map<string, SessionRecord>();
  private seq = 0;

  constructor(
    private readonly agentName: string,
    private readonly otpMaxAttempts: number,
  ) {}

  /**
   * Opens a session on an existing conversation (resume), or on a new one. A `conversationId`
   * the store does not know gets a new conversation with a fresh id, as reference servers answer
   * it (no error, so ids cannot be probed): the caller notices only by comparing the ids.
   */
  createSession(request: NewSession): SessionRecord {
    const existing = request.conversationId === undefined ? undefined : this.conversations.get(request.conversationId);
    let conversation: Conversation;
    if (existing !== undefined) {
      conversation = existing;
    } else {
      conversation = {
        conversationId: randomUUID(),
        userParticipantId: randomUUID(),
        agentParticipantId: randomUUID(),
        messages: [],
        supports: [],
        userName: undefined,
        userEmail: undefined,
        updatedAt: Date.now(),
        updateSeq: ++this.seq,
        scriptPosition: 0,
      };
      this.conversations.set(conversation.conversationId, conversation);
    }
    if (request.supports !== undefined) conversation.supports = [...request.supports];
    conversation.userName = request.userName ?? conversation.userName;
    conversation.userEmail = request.userEmail ?? conversation.userEmail;
    const session: SessionRecord = {
      sessionId: randomUUID(),
      agentId: request.agentId,
      conversation,
      supports: conversation.supports,
      userName: conversation.userName,
      userEmail: conversation.userEmail,
      verified: false,
      otpAttemptsLeft: this.otpMaxAttempts,
    };
    this.sessions.set(session.sessionId, session);
    return session;
  }

  /** A restart: every session is gone (and with it its OTP state); conversations and history stay. */
  forgetSessions(): void {
    this.sessions.clear();
  }

  /** A restart of a server that keeps them in memory: every conversation and its history is gone. */
  forgetConversations(): void {
    this.conversations.clear();
  }

  getSession(sessionId: string): SessionRecord | undefined {
    return this.sessions.get(sessionId);
  }

  /** The session descriptor create_conversation_session and get_session answer with. */
  describe(session: SessionRecord, status?: 'active' | 'idle'): Session {
    const { conversation } = session;
    const descriptor: Session = {
      sessionId: session.sessionId,
      conversationId: conversation.conversationId,
      agentId: session.agentId,
      agentName: this.agentName,
      userParticipantId: conversation.userParticipantId,
      agentParticipantId: conversation.agentParticipantId,
    };
    if (status !== undefined) descriptor.status = status;
    return descriptor;
  }

  /** Appends a message to the session's conversation; returns it. */
  append(session: SessionRecord, direction: 'inbound' | 'outbound', text: string, id: string = randomUUID()): StoredMessage {
    const { conversation } = session;
    const user = conversation.userParticipantId;
    const agent = conversation.agentParticipantId;
    const now = Date.now();
    const message: StoredMessage = {
      id,
      direction,
      content: { text },
      from: direction === 'inbound' ? user : agent,
      to: direction === 'inbound' ? agent : user,
      createdAt: new Date(now).toISOString(),
    };
    conversation.messages.push(message);
    conversation.updatedAt = now;
    conversation.updateSeq = ++this.seq;
    return message;
  }

  /**
   * One page of history, newest first. The cursor is opaque to clients: base64url of the index
   * (in the oldest-first list) the next page ends before, so appends do not shift pages.
   */
  page(session: SessionRecord, limit = DEFAULT_PAGE_LIMIT, cursor?: string): ConversationMessagesPage {
    const all = session.conversation.messages;
    const end = cursor === undefined ? all.length : decodeCursor(cursor, all.length);
    const start = Math.max(0, end - limit);
    const messages = all.slice(start, end).reverse().map((m) => ({ ...m, content: { ...m.content } }));
    const hasMore = start > 0;
    return { messages, nextCursor: hasMore ? encodeCursor(start) : null, hasMore };
  }

  /** Every conversation of the server, most recently updated first. */
  list(limit = DEFAULT_PAGE_LIMIT): ConversationSummary[] {
    return [...this.conversations.values()]
      .sort((a, b) => b.updatedAt - a.updatedAt || b.updateSeq - a.updateSeq)
      .slice(0, limit)
      .map((c) => ({
        conversationId: c.conversationId,
        title: titleOf(c),
        updatedAt: new Date(c.updatedAt).toISOString(),
        messageCount: c.messages.length,
      }));
  }
}

function titleOf(conversation: Conversation): string {
  const first = conversation.messages.find((m) => m.direction === 'inbound');
  return first === undefined ? 'New conversation' : first.content.text.slice(0, TITLE_MAX);
}

const CURSOR_PREFIX = 'before:';

function encodeCursor(index: number): string {
  return Buffer.from(`${CURSOR_PREFIX}${index}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string, length: number): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const digits = text.startsWith(CURSOR_PREFIX) ? text.slice(CURSOR_PREFIX.length) : '';
  const index = /^\d{1,9}$/.test(digits) ? Number(digits) : Number.NaN;
  if (!(index >= 0 && index <= length) || encodeCursor(index) !== cursor) throw new BadCursorError(`invalid cursor '${cursor}'`);
  return index;
}
