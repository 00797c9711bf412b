/**
 * A small promise-based WebSocket test client for the mock server tests: frames are queued in
 * arrival order and read with `next()` / `until()`; every frame is checked with validateEvent.
 */
import { WebSocket } from 'ws';
import { validateEvent } from '../../src/validation/validate.js';
import { startMockServer, type MockServer, type MockServerOptions } from '../../src/testing/mock-server/index.js';

/** A server frame as the tests read it (validated separately). */
export type Frame = { readonly type: string; readonly requestId?: string; readonly [key: string]: any };

export const TERMINAL = new Set(['eventual_response', 'cancelled', 'error']);
const DEFAULT_TIMEOUT = 2000;
export const AGENT = '11111111-1111-1111-1111-111111111111';

export interface ClientOptions {
  headers?: Record<string, string>;
  /** Query string (without `?`) appended to the server URL. */
  query?: string;
  /** Frames that fail validateEvent are allowed (fault tests). */
  allowInvalid?: boolean;
}

export class TestClient {
  readonly frames: Frame[] = [];
  /** Raw texts that were not JSON, or frames that failed validateEvent, with the reason. */
  readonly invalid: { raw: string; reason: string }[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private position = 0;
  private waiter: { resolve: () => void; reject: (error: Error) => void } | undefined;
  private isClosed = false;

  private constructor(
    readonly socket: WebSocket,
    readonly allowInvalid: boolean,
  ) {
    this.closed = new Promise((resolve) => {
      socket.on('close', (code, reason) => {
        this.isClosed = true;
        this.waiter?.reject(new Error(`socket closed (${code}) while waiting for a frame`));
        resolve({ code, reason: reason.toString() });
      });
    });
    socket.on('message', (data) => this.onMessage(data.toString()));
  }

  static async connect(url: string, options: ClientOptions = {}): Promise<TestClient> {
    const target = options.query === undefined ? url : `${url}?${options.query}`;
    const socket = new WebSocket(target, { headers: options.headers });
    const client = new TestClient(socket, options.allowInvalid ?? false);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return client;
  }

  send(frame: object | string): void {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** The next frame not yet read. */
  async next(timeoutMs = DEFAULT_TIMEOUT): Promise<Frame> {
    while (this.position >= this.frames.length) {
      if (this.isClosed) throw new Error('socket closed; no more frames');
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          this.waiter = undefined;
          reject(new Error(`no frame within ${timeoutMs} ms; last frames: ${JSON.stringify(this.frames.slice(-3))}`));
        }, timeoutMs);
        this.waiter = {
          resolve: () => (clearTimeout(timer), (this.waiter = undefined), resolve()),
          reject: (error) => (clearTimeout(timer), (this.waiter = undefined), reject(error)),
        };
      });
    }
    return this.frames[this.position++] as Frame;
  }

  /** Reads frames up to and including the first matching one; returns them all. */
  async until(predicate: (frame: Frame) => boolean, timeoutMs = DEFAULT_TIMEOUT): Promise<Frame[]> {
    const read: Frame[] = [];
    for (;;) {
      const frame = await this.next(timeoutMs);
      read.push(frame);
      if (predicate(frame)) return read;
    }
  }

  /** Reads frames up to and including the terminal event of turn `requestId`. */
  turn(requestId: string): Promise<Frame[]> {
    return this.until((f) => f.requestId === requestId && TERMINAL.has(f.type));
  }

  /** Sends a request and reads frames up to its first answer; returns that answer. */
  async request(frame: { requestId: string } & Record<string, unknown>): Promise<Frame> {
    this.send(frame);
    const read = await this.until((f) => f.requestId === frame.requestId);
    return read[read.length - 1] as Frame;
  }

  /** create_conversation_session; returns the session data. */
  async createSession(fields: Record<string, unknown> = {}, requestId = 'r-create'): Promise<Record<string, string>> {
    const reply = await this.request({ action: 'create_conversation_session', requestId, agentId: AGENT, userName: 'Alice', userEmail: 'alice@example.com', ...fields });
    if (reply.type !== 'immediate_response') throw new Error(`create failed: ${JSON.stringify(reply)}`);
    return reply.data;
  }

  /** send_message and read the whole turn. */
  async say(sessionId: string, message: string, requestId: string): Promise<Frame[]> {
    this.send({ action: 'send_message', requestId, sessionId, message, stream: true });
    return this.turn(requestId);
  }

  close(): void {
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) this.socket.terminate();
  }

  private onMessage(raw: string): void {
    let frame: unknown;
    try {
      frame = JSON.parse(raw);
    } catch {
      this.invalid.push({ raw, reason: 'not JSON' });
      this.frames.push({ type: '__unparseable__', raw });
      this.waiter?.resolve();
      return;
    }
    const verdict = validateEvent(frame);
    if (!verdict.valid) {
      this.invalid.push({ raw, reason: verdict.unknownType ? `unknown type ${verdict.type}` : (verdict.errors[0]?.message ?? '?') });
    }
    this.frames.push(frame as Frame);
    this.waiter?.resolve();
  }
}

/** Shape of a frame for ordering assertions: `type`, plus status / tool phase / error code. */
export function shapeOf(frame: Frame): string {
  switch (frame.type) {
    case 'immediate_response':
      return `immediate_response ${frame.status}`;
    case 'stream_chunk':
      return `stream_chunk ${Object.keys(frame.data.state.rawResponse)[0]}`;
    case 'error':
      return `error ${frame.error.code}`;
    default:
      return frame.type;
  }
}

/** Shapes of the frames of one requestId, consecutive tokens collapsed to `stream_token+`. */
export function shapes(frames: readonly Frame[], requestId?: string): string[] {
  const out: string[] = [];
  for (const frame of frames) {
    if (requestId !== undefined && frame.requestId !== requestId) continue;
    const shape = shapeOf(frame);
    if (shape === 'stream_token' && (out[out.length - 1] === 'stream_token+')) continue;
    out.push(shape === 'stream_token' ? 'stream_token+' : shape);
  }
  return out;
}

export function tokensOf(frames: readonly Frame[], requestId: string): string[] {
  return frames.filter((f) => f.type === 'stream_token' && f.requestId === requestId).map((f) => f.token as string);
}

export function toolResults(frames: readonly Frame[]): { name: string; isError: boolean; result: string }[] {
  return frames.filter((f) => f.type === 'stream_chunk' && f.data.state.rawResponse.toolResult).map((f) => f.data.state.rawResponse.toolResult);
}

/**
 * Per-test harness: servers and clients it opens are closed after each test, and a test fails
 * when any client received a frame that does not pass validateEvent (unless allowed).
 */
export function useMockServers(): {
  server: (options?: MockServerOptions) => Promise<MockServer>;
  client: (server: MockServer, options?: ClientOptions) => Promise<TestClient>;
} {
  const servers: MockServer[] = [];
  const clients: TestClient[] = [];
  afterEach(async () => {
    const invalid = clients.filter((c) => !c.allowInvalid).flatMap((c) => c.invalid);
    for (const client of clients.splice(0)) client.close();
    await Promise.all(servers.splice(0).map((s) => s.close()));
    expect(invalid).toEqual([]);
  });
  return {
    server: async (options) => {
      const server = await startMockServer(options);
      servers.push(server);
      return server;
    },
    client: async (server, options) => {
      const client = await TestClient.connect(server.url, options);
      clients.push(client);
      return client;
    },
  };
}
