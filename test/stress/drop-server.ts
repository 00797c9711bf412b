/**
 * A tiny `ws` server on 127.0.0.1:0 for the faults suite: it mints sessions (a resume keeps the
 * conversation and gets a new sessionId, as real servers do), runs turns as the test plans them,
 * and drops the current connection when told, in one of the ways a network or a server does.
 */
import { WebSocketServer, type WebSocket } from 'ws';
import type { ClientAction } from '../../src/generated/types.js';
import { acceptedFrame, immediateFrame, interactionRequiredFrame, sessionData, tokenFrame, writeConfirmationFrame } from '../../src/testing/frames.js';

/** How a connection goes away: torn down (no close frame, the client sees 1006) or closed with a code. */
export type DropMode = { kind: 'terminate' } | { kind: 'close'; code: number; reason: string };

/** What the next `send_message` gets before the test drops it. */
export interface TurnPlan {
  /** 0: no ack at all (the drop comes before it). Else the ack, then `tokens` tokens. */
  readonly ack: boolean;
  readonly tokens: number;
  /** Park on this kind of ask after the tokens. */
  readonly ask: 'write' | 'interaction' | undefined;
}

export interface DropServer {
  readonly url: string;
  /** Connections accepted so far. */
  readonly connections: number;
  /** `create_conversation_session` actions received, in order. */
  readonly creates: Extract<ClientAction, { action: 'create_conversation_session' }>[];
  /** Sessions minted: sessionId → conversationId. */
  readonly sessions: Map<string, string>;
  /** sessionIds that `send_message` used, in order. */
  readonly turnSessions: string[];
  plan: TurnPlan;
  /** Called when a `send_message` arrives (the test may drop right there, before any answer). */
  onTurn: (() => void) | undefined;
  drop(mode: DropMode): void;
  close(): Promise<void>;
}

export async function startDropServer(): Promise<DropServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const sockets = new Set<WebSocket>();
  let current: WebSocket | undefined;
  let minted = 0;
  const send = (socket: WebSocket, frame: unknown): void => socket.send(JSON.stringify(frame));

  const server: DropServer = {
    url: `ws://127.0.0.1:${(wss.address() as { port: number }).port}/ws`,
    connections: 0,
    creates: [],
    sessions: new Map(),
    turnSessions: [],
    plan: { ack: true, tokens: 1, ask: undefined },
    onTurn: undefined,
    drop(mode) {
      const socket = current;
      current = undefined;
      if (socket === undefined) return;
      if (mode.kind === 'terminate') socket.terminate();
      else socket.close(mode.code, mode.reason);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.terminate();
        wss.close(() => resolve());
      }),
  };

  wss.on('connection', (socket) => {
    (server as { connections: number }).connections++;
    sockets.add(socket);
    current = socket;
    socket.on('close', () => sockets.delete(socket));
    socket.on('message', (data) => {
      const action = JSON.parse(String(data)) as ClientAction;
      switch (action.action) {
        case 'create_conversation_session': {
          server.creates.push(action);
          const sessionId = `session-${++minted}`;
          const conversationId = action.conversationId ?? `conversation-${minted}`;
          server.sessions.set(sessionId, conversationId);
          return send(socket, immediateFrame(action.requestId, 200, 'Session created', { ...sessionData({ sessionId, conversationId }) }));
        }
        case 'send_message': {
          server.turnSessions.push(action.sessionId);
          server.onTurn?.();
          if (socket !== current || !server.plan.ack) return;
          const r = action.requestId;
          send(socket, acceptedFrame(r));
          for (let i = 0; i < server.plan.tokens; i++) send(socket, tokenFrame(r, `t${i} `));
          if (server.plan.ask === 'write') send(socket, writeConfirmationFrame(r, 'delete_record'));
          if (server.plan.ask === 'interaction') send(socket, interactionRequiredFrame(r, { interactionId: `ix-${r}`, kind: 'identity_intake', spec: { fields: [{ key: 'email', required: true }] } }));
          return;
        }
        case 'ping':
          return send(socket, { type: 'pong', requestId: action.requestId, timestamp: Date.now(), data: { timestamp: Date.now() } });
        default:
          return undefined;
      }
    });
  });
  return server;
}
