/** Drives `runChat` in-process: PassThrough stdin/stdout, a Subject as SIGINT. */
import { PassThrough } from 'node:stream';
import { Subject } from 'rxjs';
import type { ChatArgs } from '../../src/cli/args.js';
import { runChat, type ChatIO } from '../../src/cli/chat.js';
import { startMockServer, type MockServer, type MockServerOptions } from '../../src/testing/mock-server/index.js';

export const chatArgs = (overrides: Partial<Omit<ChatArgs, 'command'>> = {}): ChatArgs => ({
  command: 'chat',
  url: undefined,
  agentId: undefined,
  token: undefined,
  userName: undefined,
  userEmail: undefined,
  yes: false,
  demo: false,
  verbose: false,
  color: undefined,
  delayMs: undefined,
  ...overrides,
});

export interface ChatHarness {
  /** Everything written so far, ANSI stripped. */
  readonly output: string;
  /** Everything written so far, as written. */
  readonly raw: string;
  /** Types a line (with Enter). */
  type(line: string): void;
  /** Ctrl-D. */
  end(): void;
  /** Ctrl-C (SIGINT, as the process gets it when the input is not a terminal). */
  interrupt(): void;
  /** Raw keys, without Enter (in a terminal, `'\u0003'` is Ctrl-C as readline reads it). */
  keys(data: string): void;
  /** Waits until the output contains `text` (after `from`, an earlier output length). */
  until(text: string | RegExp, options?: { from?: number; timeoutMs?: number }): Promise<void>;
  /** The exit code. */
  readonly exit: Promise<number>;
}

// eslint-disable-next-line no-control-regex
const stripTerminal = (s: string): string => s.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');

export interface ChatOptions {
  readonly serverOptions?: MockServerOptions;
  readonly color?: boolean;
  /** As in a terminal: readline echoes and edits the lines and reads Ctrl-C as a key. */
  readonly terminal?: boolean;
  /** The terminal's width. */
  readonly columns?: number;
  /** The client's reconnect budget and back-off (to give up within a test). */
  readonly reconnect?: ChatIO['reconnect'];
}

export function startChat(args: ChatArgs, options: ChatOptions = {}): ChatHarness {
  const input = new PassThrough();
  const output = new PassThrough();
  const interrupts = new Subject<void>();
  let written = '';
  output.setEncoding('utf8');
  output.on('data', (chunk: string) => {
    written += chunk;
  });
  const exit = runChat(args, {
    input,
    output,
    interrupts,
    ...(options.color !== undefined ? { color: options.color } : {}),
    ...(options.terminal !== undefined ? { terminal: options.terminal } : {}),
    ...(options.columns !== undefined ? { columns: () => options.columns } : {}),
    ...(options.serverOptions !== undefined ? { serverOptions: options.serverOptions } : {}),
    ...(options.reconnect !== undefined ? { reconnect: options.reconnect } : {}),
  });
  return {
    get output() {
      return stripTerminal(written);
    },
    get raw() {
      return written;
    },
    type: (line) => input.write(`${line}\n`),
    end: () => input.end(),
    interrupt: () => interrupts.next(),
    keys: (data) => input.write(data),
    until: (text, { from = 0, timeoutMs = 5000 } = {}) =>
      waitFor(() => {
        const seen = stripTerminal(written).slice(from);
        return typeof text === 'string' ? seen.includes(text) : text.test(seen);
      }, timeoutMs, () => `output never contained ${String(text)}:\n${stripTerminal(written)}`),
    exit,
  };
}

export async function waitFor(condition: () => boolean, timeoutMs = 5000, describe: () => string = () => 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const started: MockServer[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((server) => server.close()));
});

/** A mock server that is closed after the current test. */
export async function mockServer(options: MockServerOptions): Promise<MockServer> {
  const server = await startMockServer(options);
  started.push(server);
  return server;
}

/** A text entry of a mock server's script. */
export const text = (t: string) => ({ kind: 'text' as const, text: t });
