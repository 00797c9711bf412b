import type { ClientAction } from '../../src/generated/types.js';
import { createSmoothChat, memoryChatStorage, type SmoothChat, type SmoothChatOptions } from '../../src/chat/index.js';
import type { ChatAssistantMessage, ChatState } from '../../src/chat/types.js';
import {
  acceptedFrame,
  cancelledFrame,
  eventualFrame,
  immediateFrame,
  messagesPageData,
  otpVerifiedFrame,
  sessionData,
  tokenFrame,
} from '../../src/testing/frames.js';
import type { SmoothClientOptions } from '../../src/client/options.js';
import type { FakeSocketOptions } from '../../src/testing/fake-socket.js';
import { harness, type Harness, type Reply } from '../client/harness.js';

export type Turn = (requestId: string, message: string, action: Extract<ClientAction, { action: 'send_message' }>) => readonly Reply[];

/** A conversation as the fake server keeps it: its stored messages, newest last. */
export interface StoredMessage {
  id: string;
  direction: 'inbound' | 'outbound';
  text: string;
}

export interface ChatServerOptions {
  /** How each turn is answered, by message. @default two tokens, then the answer "echo: <message>" */
  turn?: Turn;
  /** Answers to other actions (confirm, submit, verify), by action; `undefined` falls back. */
  other?: (action: ClientAction) => readonly Reply[] | undefined;
  /** Stored history of conversation `c1`. */
  history?: StoredMessage[];
  /** The conversation a resume of an unknown id gets (the server forgot it). */
  forget?: boolean;
}

export const echo: Turn = (id, message) => [
  [1, acceptedFrame(id)],
  [2, tokenFrame(id, 'echo: ')],
  [3, tokenFrame(id, message)],
  [4, eventualFrame(id, `echo: ${message}`)],
];

/** A fake server for chats: sessions in conversation c1 (c2, … when it forgets), history pages of `history`. */
export function chatServer(options: ChatServerOptions = {}) {
  let sessions = 0;
  let conversations = 0;
  const known = new Set<string>();
  const script = (action: ClientAction): readonly Reply[] | undefined => {
    const custom = options.other?.(action);
    if (custom !== undefined) return custom;
    switch (action.action) {
      case 'create_conversation_session': {
        sessions++;
        let conversationId = action.conversationId;
        if (conversationId === undefined || (options.forget === true && !known.has(conversationId))) conversationId = `c${++conversations}`;
        known.add(conversationId);
        return [[1, immediateFrame(action.requestId, 200, 'ok', { ...sessionData({ sessionId: `s${sessions}`, conversationId }) })]];
      }
      case 'send_message':
        return (options.turn ?? echo)(action.requestId, action.message, action);
      case 'cancel':
        return [[1, cancelledFrame(action.requestId ?? '')]];
      case 'verify_otp':
        return [[1, otpVerifiedFrame(action.requestId)]];
      case 'get_conversation_messages': {
        const all = [...(options.history ?? [])].reverse(); // newest first
        const start = action.cursor === undefined ? 0 : Number(action.cursor);
        const limit = action.limit ?? 50;
        const page = all.slice(start, start + limit).map((m) => ({ id: m.id, direction: m.direction, content: { text: m.text }, createdAt: '2026-12-01T10:00:00Z' }));
        const next = start + limit < all.length ? String(start + limit) : null;
        return [[1, immediateFrame(action.requestId, 200, 'ok', { ...messagesPageData({ messages: page, hasMore: next !== null, nextCursor: next }) })]];
      }
      default:
        return undefined;
    }
  };
  /** A restart that forgets every conversation (with `forget`, a resume then gets a fresh one). */
  const restart = (): void => known.clear();
  return { script, restart };
}

export interface ChatHarness extends Harness {
  chat: SmoothChat;
  states: ChatState[];
}

/** A chat over fake sockets, its every snapshot recorded. Call inside `testScheduler().run()`. */
export function chatHarness(
  server: Pick<ReturnType<typeof chatServer>, 'script'>,
  chatOptions: Partial<SmoothChatOptions> = {},
  clientOptions: Partial<SmoothClientOptions> = {},
  socketOptions: Omit<FakeSocketOptions, 'onAction'> = {},
): ChatHarness {
  const h = harness((action) => server.script(action), { retryBaseDelayMs: 10, turnTimeoutMs: 0, requestTimeoutMs: 0, ...clientOptions }, socketOptions);
  const chat = createSmoothChat(h.client, { agentId: 'support', userName: 'alice', storage: memoryChatStorage(new Map()), ...chatOptions });
  const states: ChatState[] = [];
  chat.state$.subscribe((state) => states.push(state));
  return { ...h, chat, states };
}

/** The texts of an assistant message's text parts, joined. */
export const textOf = (message: ChatAssistantMessage | undefined): string =>
  (message?.parts ?? []).filter((part) => part.type === 'text').map((part) => (part as { text: string }).text).join('');

export const lastAssistant = (state: ChatState): ChatAssistantMessage | undefined =>
  [...state.messages].reverse().find((m): m is ChatAssistantMessage => m.role === 'assistant');
