import { InjectionToken } from '@angular/core';

/** The server the app talks to unless the page's `?server=` says otherwise (`npx smooth-rx serve`). */
export const DEFAULT_SERVER_URL = 'ws://127.0.0.1:8787/ws';

export interface ChatSettings {
  readonly serverUrl: string;
  readonly agentId: string;
  readonly userName: string;
}

export const CHAT_SETTINGS = new InjectionToken<ChatSettings>('CHAT_SETTINGS');

/** Settings from the page's query string: `?server=ws://host:port/ws&agent=support&user=Alice`. */
export function settingsFromQuery(search: string): ChatSettings {
  const query = new URLSearchParams(search);
  return {
    serverUrl: query.get('server') ?? DEFAULT_SERVER_URL,
    agentId: query.get('agent') ?? 'support',
    userName: query.get('user') ?? 'Web user',
  };
}
