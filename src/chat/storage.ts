/**
 * Where a chat keeps what must outlive the page: its `conversationId`. Synchronous, like
 * `localStorage`; an implementation that throws (quota, privacy mode) only costs the resume.
 */
export interface ChatStorage {
  get(key: string): string | undefined;
  set(key: string, value: string): void;
  remove(key: string): void;
}

const processMemory = new Map<string, string>();

/**
 * Kept in memory. Without a map of its own, one map for the whole process (JavaScript realm): a
 * chat created again with it (a component re-created, a route revisited) resumes the conversation.
 */
export function memoryChatStorage(map: Map<string, string> = processMemory): ChatStorage {
  return {
    get: (key) => map.get(key),
    set: (key, value) => void map.set(key, value),
    remove: (key) => void map.delete(key),
  };
}

/** Structural, so that this module needs no DOM types. */
interface WebStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/**
 * The browser's `localStorage` (or any Web Storage, e.g. `sessionStorage`): a reload resumes the
 * conversation. Where there is none (server rendering, Node), it keeps nothing.
 */
export function localStorageChatStorage(storage: WebStorage | undefined = browserStorage()): ChatStorage {
  return {
    get: (key) => storage?.getItem(key) ?? undefined,
    set: (key, value) => storage?.setItem(key, value),
    remove: (key) => storage?.removeItem(key),
  };
}

/** `localStorage`, if this page may touch it: reading it throws where storage is blocked (cookies off). */
function browserStorage(): WebStorage | undefined {
  try {
    return (globalThis as { localStorage?: WebStorage }).localStorage;
  } catch {
    return undefined;
  }
}
