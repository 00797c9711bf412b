/**
 * The blast server: a `ws` server that answers `create_conversation_session`, `ping` and `cancel`,
 * and streams pre-serialized turns per `send_message` (see `frames.ts`). It runs in a child
 * process (`server-process.ts` forks this file with `--blast-child`) so that the CPU measured in
 * the bench process is the client's alone.
 *
 * Unlike real servers it runs any number of turns per connection at once (interleaved): the floor
 * multiplexes turns over one socket; the client never sends a second turn on a busy socket.
 */
import { WebSocketServer, type WebSocket } from 'ws';
import { blastFrame, cancelledText, escapeId, FRAMES_AROUND_TOKENS, pacedTokenFrame, parseSpec, pongText, sessionText, tokensOf, type TurnSpec } from './frames.js';

/** Past this many bytes queued on a socket the server waits until its last frame is flushed. */
const HIGH_WATER_BYTES = 512 * 1024;
/** Frames sent per pump before yielding, so incoming actions (cancel, ping) are read mid-blast. */
const FRAMES_PER_SLICE = 256;

interface BlastTurn {
  readonly requestId: string;
  readonly escapedId: string;
  readonly spec: TurnSpec;
  /** Next frame to send. */
  next: number;
  done: boolean;
}

interface Peer {
  readonly socket: WebSocket;
  /** Turns the pump streams, round-robin. */
  readonly blasting: BlastTurn[];
  /** Every turn not ended, by requestId (for cancel). */
  readonly open: Map<string, BlastTurn>;
  pump: 'idle' | 'scheduled' | 'waiting';
}

export interface BlastServer {
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

/** Starts the server on 127.0.0.1 (port 0: any free port). */
export function startBlastServer(port = 0): Promise<BlastServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port, path: '/ws' });
  const paced = new Set<{ peer: Peer; turn: BlastTurn }>();
  let sessions = 0;
  let ticker: NodeJS.Timeout | undefined;

  const send = (peer: Peer, text: string, callback?: () => void): void => {
    if (peer.socket.readyState === peer.socket.OPEN) peer.socket.send(text, callback);
  };

  const end = (peer: Peer, turn: BlastTurn): void => {
    turn.done = true;
    peer.open.delete(turn.requestId);
  };

  const pump = (peer: Peer): void => {
    peer.pump = 'idle';
    let sent = 0;
    while (peer.blasting.length > 0 && peer.socket.readyState === peer.socket.OPEN) {
      if (sent === FRAMES_PER_SLICE) {
        peer.pump = 'scheduled';
        setImmediate(() => pump(peer));
        return;
      }
      for (let i = 0; i < peer.blasting.length && sent < FRAMES_PER_SLICE; i++) {
        const turn = peer.blasting[i] as BlastTurn;
        const frame = blastFrame(turn.escapedId, turn.spec.events, turn.next++);
        const last = turn.spec.mode === 'hold' ? turn.next === FRAMES_AROUND_TOKENS : turn.next === turn.spec.events;
        if (last) {
          peer.blasting.splice(i--, 1);
          if (turn.spec.mode !== 'hold') end(peer, turn);
        }
        sent++;
        if (peer.socket.bufferedAmount > HIGH_WATER_BYTES) {
          // Back-pressure: resume once this frame (and so everything before it) is flushed.
          peer.pump = 'waiting';
          send(peer, frame, () => pump(peer));
          return;
        }
        send(peer, frame);
      }
    }
  };

  const kick = (peer: Peer): void => {
    if (peer.pump === 'idle') pump(peer);
  };

  const tick = (): void => {
    for (const entry of paced) {
      const { peer, turn } = entry;
      if (turn.done || peer.socket.readyState !== peer.socket.OPEN) {
        paced.delete(entry);
        continue;
      }
      if (peer.socket.bufferedAmount > HIGH_WATER_BYTES) continue;
      const tokens = tokensOf(turn.spec.events);
      const token = turn.next - 3;
      if (token < tokens) {
        send(peer, pacedTokenFrame(turn.requestId, token));
        turn.next++;
      } else {
        send(peer, blastFrame(turn.escapedId, turn.spec.events, turn.spec.events - 1));
        end(peer, turn);
        paced.delete(entry);
      }
    }
    if (paced.size === 0 && ticker !== undefined) {
      clearInterval(ticker);
      ticker = undefined;
    }
  };

  const startTurn = (peer: Peer, requestId: string, spec: TurnSpec): void => {
    const turn: BlastTurn = { requestId, escapedId: escapeId(requestId), spec, next: 0, done: false };
    peer.open.set(requestId, turn);
    if (spec.mode === 'paced') {
      for (; turn.next < 3; turn.next++) send(peer, blastFrame(turn.escapedId, spec.events, turn.next));
      paced.add({ peer, turn });
      ticker ??= setInterval(tick, 1);
      return;
    }
    peer.blasting.push(turn);
    kick(peer);
  };

  const cancel = (peer: Peer, requestId: unknown): void => {
    // Real servers cancel the connection's running turn whatever requestId the cancel carries.
    const turn = (typeof requestId === 'string' ? peer.open.get(requestId) : undefined) ?? peer.open.values().next().value;
    if (turn === undefined) return;
    const index = peer.blasting.indexOf(turn);
    if (index >= 0) peer.blasting.splice(index, 1);
    end(peer, turn);
    send(peer, cancelledText(turn.escapedId));
  };

  wss.on('connection', (socket) => {
    const peer: Peer = { socket, blasting: [], open: new Map(), pump: 'idle' };
    socket.on('message', (data) => {
      let action: { action?: unknown; requestId?: unknown; message?: unknown };
      try {
        action = JSON.parse(String(data)) as typeof action;
      } catch {
        return;
      }
      const requestId = typeof action.requestId === 'string' ? action.requestId : '';
      switch (action.action) {
        case 'create_conversation_session':
          send(peer, sessionText(requestId, `s-${++sessions}`));
          return;
        case 'send_message':
          startTurn(peer, requestId, parseSpec(action.message));
          return;
        case 'cancel':
          cancel(peer, action.requestId);
          return;
        case 'ping':
          send(peer, pongText(requestId));
          return;
        default:
          return;
      }
    });
    socket.on('close', () => {
      for (const turn of peer.open.values()) turn.done = true;
      peer.open.clear();
      peer.blasting.length = 0;
    });
  });

  return new Promise((resolve, reject) => {
    wss.once('error', reject);
    wss.once('listening', () => {
      const address = wss.address();
      const bound = typeof address === 'object' && address !== null ? address.port : port;
      resolve({
        port: bound,
        url: `ws://127.0.0.1:${bound}/ws`,
        close: () =>
          new Promise<void>((done) => {
            if (ticker !== undefined) clearInterval(ticker);
            for (const client of wss.clients) client.terminate();
            wss.close(() => done());
          }),
      });
    });
  });
}

/** Child-process entry: report the port to the parent, stop when the parent goes away. */
async function runChild(): Promise<void> {
  const server = await startBlastServer();
  process.send?.({ type: 'listening', port: server.port });
  process.on('disconnect', () => {
    void server.close().then(() => process.exit(0));
  });
}

if (process.argv.includes('--blast-child')) void runChild();
