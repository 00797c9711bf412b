import IsomorphicWebSocket from 'isomorphic-ws';
import type { WebSocketImplementation } from './options.js';

type Ctor = new (url: string, protocols?: string | string[]) => WebSocket;

/**
 * The constructor rxjs calls as `new Ctor(url, protocols)`. Handshake headers need a third
 * argument that rxjs never passes, so a subclass adds it (Node's `ws` reads it; browsers have no
 * such argument).
 */
export function createWebSocketCtor(impl: WebSocketImplementation | undefined, headers: Record<string, string> | undefined): Ctor {
  const base = (impl ?? IsomorphicWebSocket) as unknown as new (url: string, protocols?: string | string[], options?: { headers: Record<string, string> }) => WebSocket;
  if (headers === undefined) return base;
  const options = { headers };
  return class WebSocketWithHeaders extends base {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, options);
    }
  };
}
