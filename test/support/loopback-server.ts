import type { IncomingHttpHeaders } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ClientAction } from '../../src/generated/types.js';

/** Per-connection memory of a scripted server: the running turn's requestId. */
export interface ScriptState {
  turnId: string;
}

/** Frames to send in answer to one action (objects are serialized, strings sent raw). */
export type LoopbackScript = (action: ClientAction, state: ScriptState) => unknown[];

export interface LoopbackServer {
  url: string;
  received: ClientAction[];
  headers: IncomingHttpHeaders[];
  urls: string[];
  close(): Promise<void>;
}

/** A real `ws` server on 127.0.0.1:0 that answers each action with the frames of a script. */
export async function startLoopbackServer(script: LoopbackScript): Promise<LoopbackServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const received: ClientAction[] = [];
  const headers: IncomingHttpHeaders[] = [];
  const urls: string[] = [];
  const sockets = new Set<WebSocket>();
  wss.on('connection', (socket, req) => {
    sockets.add(socket);
    headers.push(req.headers);
    urls.push(req.url ?? '');
    const state: ScriptState = { turnId: '' };
    socket.on('message', (data) => {
      const action = JSON.parse(String(data)) as ClientAction;
      received.push(action);
      if (action.action === 'send_message') state.turnId = action.requestId;
      for (const frame of script(action, state)) socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
    });
    socket.on('close', () => sockets.delete(socket));
  });
  const { port } = wss.address() as { port: number };
  return {
    url: `ws://127.0.0.1:${port}/ws`,
    received,
    headers,
    urls,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.terminate();
        wss.close(() => resolve());
      }),
  };
}
