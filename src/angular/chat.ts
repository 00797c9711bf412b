import { DestroyRef, NgZone, PLATFORM_ID, assertInInjectionContext, computed, inject, signal, type Signal } from '@angular/core';
import { animationFrameScheduler, type Observable, type SchedulerLike } from 'rxjs';
import { createSmoothChat } from '../chat/chat.js';
import { localStorageChatStorage, type ChatStorage } from '../chat/storage.js';
import type {
  ChatAnswerOutcome,
  ChatAsk,
  ChatFault,
  ChatMessage,
  ChatState,
  ChatStatus,
  ChatSendRequest,
  ChatUserMessage,
  SmoothChat,
  SmoothChatOptions,
} from '../chat/types.js';
import type { ConnectionStatus } from '../client/connection.js';
import { SMOOTH_CLIENT } from './tokens.js';
import { outsideAngularScheduler, outsideZoneClient, reenterZone } from './zone.js';

/**
 * Options of {@link injectSmoothChat}: those of `createSmoothChat`, with browser defaults.
 *
 * @example
 * const options: InjectSmoothChatOptions = { agentId: 'support', userName: 'Alice', supports: ['identity_form'] };
 */
export interface InjectSmoothChatOptions extends SmoothChatOptions {
  /**
   * Where the `conversationId` is kept, so that a reload resumes the conversation with its history.
   * On the server platform nothing is kept, whatever is given (a server renders for many users).
   * @default localStorageChatStorage() in a browser that has `localStorage`, else the core's
   *   default: nothing kept beyond this chat
   */
  storage?: ChatStorage;
  /**
   * Coalesces state changes: at most one snapshot, so one render, per tick of this scheduler.
   * @default animationFrameScheduler where `requestAnimationFrame` exists (browsers), else none:
   *   every change at once (Node, component tests without a DOM)
   */
  renderScheduler?: SchedulerLike;
}

/**
 * The chat of {@link injectSmoothChat}: its state as signals, and its commands (those of
 * `SmoothChat`). Every signal reads the same snapshot: they change together.
 */
export interface SmoothChatSignals extends Pick<SmoothChat, 'send' | 'stop' | 'answer' | 'decline' | 'retry' | 'loadOlder' | 'newConversation'> {
  /** The whole snapshot (`ChatState`); the signals below are its fields. */
  readonly state: Signal<ChatState>;
  /** History (oldest first), then this page's turns; an unchanged message keeps its identity (`track message.id`). */
  readonly messages: Signal<readonly ChatMessage[]>;
  /** One word for the indicator: `idle`, `submitted`, `streaming`, `awaiting-human`, `reconnecting`, `error`, `closed`. */
  readonly status: Signal<ChatStatus>;
  /** The ask waiting for the user now (a write confirmation, a form, a code), if any. */
  readonly pendingAsk: Signal<ChatAsk | undefined>;
  /** The latest fault, typed by `code` (`CONVERSATION_LOST` when the server forgot the conversation). */
  readonly error: Signal<ChatFault | undefined>;
  /** The connection: `idle`, `connecting`, `open`, `reconnecting`, `closing`, `closed`. */
  readonly connection: Signal<ConnectionStatus>;
  readonly conversationId: Signal<string | undefined>;
  /** The agent's name as the server's session gives it, for a header: `undefined` until a session is open (the first message, a resumed conversation, or `open()`). */
  readonly agentName: Signal<string | undefined>;
  /** Older messages wait on the server: `loadOlder()` fetches a page. */
  readonly hasOlder: Signal<boolean>;
  readonly loadingHistory: Signal<boolean>;
}

/** On the server platform: nothing read, nothing kept. */
const KEEPS_NOTHING: ChatStorage = { get: () => undefined, set: () => undefined, remove: () => undefined };

/**
 * The chat of one conversation (`createSmoothChat`) as signals, on the client of
 * `provideSmoothOperator()`. It lives as long as the injection context: destroying the component
 * (or the service's injector) stops its turn and closes it. In a browser it renders at most once
 * per animation frame and keeps the conversation in `localStorage`, so a reload shows its history
 * again (see the options' defaults). Zoneless, its signals drive change detection; under zone.js
 * the chat runs outside the Angular zone and each snapshot re-enters it once. On the server
 * platform it is inert: `idle`, no messages, nothing sent (`send` returns the message, not taken).
 *
 * @example
 * @Component({
 *   template: `
 *     @for (m of chat.messages(); track m.id) {
 *       @if (m.role === 'user') { <p>{{ m.text }}</p> }
 *       @else { @for (part of m.parts; track $index) { @if (part.type === 'text') { <p>{{ part.text }}</p> } } }
 *     }
 *     @if (chat.pendingAsk(); as ask) { <button (click)="chat.answer(ask, true)">Approve</button> }
 *     <input #box /><button (click)="chat.send(box.value)">Send</button>
 *   `,
 * })
 * export class Chat {
 *   readonly chat = injectSmoothChat({ agentId: 'support', userName: 'Alice' });
 * }
 */
export function injectSmoothChat(options: InjectSmoothChatOptions): SmoothChatSignals {
  assertInInjectionContext(injectSmoothChat);
  const zone = inject(NgZone);
  const zoned = zone instanceof NgZone;
  const onServer = inject(PLATFORM_ID) === 'server';
  const client = outsideZoneClient(inject(SMOOTH_CLIENT));
  // Registered before the chat exists: on a destroyed injector `onDestroy` throws (NG0911)
  // before anything could be left open.
  let chat: SmoothChat | undefined;
  let stopRendering: (() => void) | undefined;
  inject(DestroyRef).onDestroy(() => {
    // Closed first: the signals end on the `closed` snapshot.
    outside(() => chat?.close());
    stopRendering?.();
  });
  const outside = <T>(run: () => T): T => (zoned ? zone.runOutsideAngular(run) : run());

  const renderScheduler = onServer ? undefined : (options.renderScheduler ?? defaultRenderScheduler());
  chat = outside(() =>
    createSmoothChat(client, {
      ...options,
      storage: onServer ? KEEPS_NOTHING : (options.storage ?? defaultStorage()),
      renderScheduler: renderScheduler !== undefined && zoned ? outsideAngularScheduler(renderScheduler, zone) : renderScheduler,
    }),
  );
  const core = chat;

  const state = signal(core.state);
  const subscription = (zoned ? reenterZone(zone, core.state$) : core.state$).subscribe((snapshot) => state.set(snapshot));
  stopRendering = () => subscription.unsubscribe();

  // Commands run outside the zone: the socket, the timers and the render tick they arm stay there.
  const answered = (outcome: Observable<ChatAnswerOutcome>): Observable<ChatAnswerOutcome> => (zoned ? reenterZone(zone, outcome) : outcome);
  return {
    state: state.asReadonly(),
    messages: computed(() => state().messages),
    status: computed(() => state().status),
    pendingAsk: computed(() => state().pendingAsk),
    error: computed(() => state().error),
    connection: computed(() => state().connection),
    conversationId: computed(() => state().conversationId),
    agentName: computed(() => state().agentName),
    hasOlder: computed(() => state().hasOlder),
    loadingHistory: computed(() => state().loadingHistory),
    // On the server a message would wait for ever in the rendered HTML: it is not taken.
    send: (message) => (onServer ? serverMessage(message) : outside(() => core.send(message))),
    stop: () => outside(() => core.stop()),
    answer: (ask, value) => answered(outside(() => core.answer(ask, value))),
    decline: (ask) => answered(outside(() => core.decline(ask))),
    retry: (message) => outside(() => core.retry(message)),
    loadOlder: () => outside(() => core.loadOlder()),
    newConversation: () => outside(() => core.newConversation()),
  };
}

/** What `send` returns on the server platform: the message, not taken (nothing listed, nothing sent). */
function serverMessage(message: string | ChatSendRequest): ChatUserMessage {
  const text = typeof message === 'string' ? message : message.message;
  return { id: 'server', role: 'user', text, status: 'failed', error: undefined, createdAt: undefined };
}

function defaultRenderScheduler(): SchedulerLike | undefined {
  return typeof (globalThis as { requestAnimationFrame?: unknown }).requestAnimationFrame === 'function' ? animationFrameScheduler : undefined;
}

/** `undefined` leaves the core's default (nothing kept beyond the chat) where there is no `localStorage`. */
function defaultStorage(): ChatStorage | undefined {
  try {
    return (globalThis as { localStorage?: unknown }).localStorage === undefined ? undefined : localStorageChatStorage();
  } catch {
    // Reading `localStorage` throws where storage is blocked (sandboxed frames, some privacy modes).
    return undefined;
  }
}
