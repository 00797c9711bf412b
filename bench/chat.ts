/**
 * The chat (`createSmoothChat`) as a bench contender: one client, one chat per session, each turn
 * sent with `chat.send()` and followed through `state$` as an app renders it (the answer's text
 * read on every snapshot). Its tally counts the distinct answer texts, as `text()` emits them,
 * so `checkTally` proves it saw every token.
 */
import { connectionPool, createSmoothClient, createSmoothChat, type ChatAssistantMessage, type ChatState, type SmoothChat, type SmoothClientOptions } from '../src/index.js';
import type { Contender, Endpoint, OpenOptions, RunningTurn, TurnTally } from './contenders.js';
import { BENCH_CLIENT_OPTIONS } from './client-options.js';
import { settledHeap } from './measure.js';
import type { TurnSpec } from './frames.js';

/** The answer text of a message: its text parts (one while streaming). */
function textOf(message: ChatAssistantMessage): string {
  const { parts } = message;
  let text = '';
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (part?.type === 'text') text += part.text;
  }
  return text;
}

function follow(chat: SmoothChat, spec: TurnSpec): RunningTurn {
  let resolveStarted!: () => void;
  let resolveDone!: (tally: TurnTally) => void;
  let rejectDone!: (err: unknown) => void;
  const started = new Promise<void>((resolve) => (resolveStarted = resolve));
  const done = new Promise<TurnTally>((resolve, reject) => ((resolveDone = resolve), (rejectDone = reject)));
  let seen = 0;
  let answer = '';
  let stopped = false;
  const user = chat.send(JSON.stringify(spec));
  const subscription = chat.state$.subscribe((state: ChatState) => {
    const { messages } = state;
    const last = messages[messages.length - 1];
    if (last === undefined) return;
    if (last.role === 'user') {
      if (last.id === user.id && last.status === 'failed') rejectDone(last.error?.error ?? new Error('turn failed'));
      return;
    }
    if (last.replyTo !== user.id) return;
    const text = textOf(last);
    if (text !== answer) {
      if (seen++ === 0) resolveStarted();
      answer = text;
    }
    if (last.status === 'complete' || last.status === 'cancelled') {
      queueMicrotask(() => subscription.unsubscribe());
      resolveDone({ seen, answer, stopped });
    } else if (last.status === 'failed' || last.status === 'interrupted') rejectDone(last.error?.error ?? new Error(last.status));
  });
  return {
    started,
    done,
    stop: () => {
      stopped = true;
      chat.stop();
    },
  };
}

async function openChat(url: string, options: OpenOptions): Promise<Endpoint> {
  const clientOptions: SmoothClientOptions = { url, ...BENCH_CLIENT_OPTIONS, ...(options.maxConnections !== undefined ? { pool: connectionPool({ maxConnections: options.maxConnections }) } : {}) };
  const client = createSmoothClient(clientOptions);
  const chats = Array.from({ length: options.sessions }, (_, i) => createSmoothChat(client, { agentId: 'bench', userName: `user-${i}` }));
  return {
    turn: (spec, turnOptions = {}) => follow(chats[(turnOptions.session ?? 0) % chats.length] as SmoothChat, spec),
    close: () => {
      for (const chat of chats) chat.close();
      client.close();
    },
  };
}

export const clientChat: Contender = {
  name: 'client-chat',
  label: 'client: createSmoothChat().send()',
  counts: 'answers',
  // Its state carries no wire timestamps: the paced scenario shows none for it.
  measuresLatency: false,
  open: openChat,
};

/** Heap a chat holds per message, once it holds `messages` of them (turns of a few tokens each). */
export async function chatHeapPerMessage(url: string, messages: number): Promise<number> {
  const endpoint = await openChat(url, { sessions: 1 });
  const spec: TurnSpec = { mode: 'blast', events: 12 };
  // The first turn creates the session: not part of what the messages hold.
  await endpoint.turn(spec).done;
  const before = settledHeap();
  for (let i = 1; i < messages / 2; i++) await endpoint.turn(spec).done;
  const after = settledHeap();
  endpoint.close();
  return (after - before) / (messages - 2);
}
