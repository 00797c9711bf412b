import type { SmoothClient } from './client.js';
import type { SmoothSession } from './session.js';

/**
 * How a wrapper of the client (the Angular zone wrapper, the server-platform stub) treats a member:
 * - `stream`: an Observable property;
 * - `call`: a method returning an Observable;
 * - `action`: a method returning anything else (it may touch the socket or arm a timer);
 * - `value`: a plain property, read through;
 * - `session`: the method returning a session handle.
 */
export type MemberKind = 'stream' | 'call' | 'action' | 'value' | 'session';

/**
 * Every member of {@link SmoothClient}, once: the wrappers are derived from this list, and a member
 * added to the interface fails to compile here until it says how it is wrapped.
 */
export const CLIENT_MEMBERS = {
  state$: 'stream',
  diagnostics$: 'stream',
  createSession: 'call',
  getSession: 'call',
  getMessages: 'call',
  allMessages: 'call',
  listConversations: 'call',
  ping: 'call',
  turn: 'call',
  session: 'session',
  close: 'action',
} as const satisfies { readonly [K in keyof SmoothClient]-?: MemberKind };

/** Every member of {@link SmoothSession}, once (see {@link CLIENT_MEMBERS}). */
export const SESSION_MEMBERS = {
  info$: 'stream',
  info: 'value',
  conversationId: 'value',
  open: 'call',
  turn: 'call',
  history: 'call',
  historyPage: 'call',
  cancel: 'action',
  close: 'action',
} as const satisfies { readonly [K in keyof SmoothSession]-?: MemberKind };
