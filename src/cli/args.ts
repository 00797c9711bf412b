/** Command-line arguments of `smooth-rx`: a typed result, or a `CliError` with code `USAGE`. */
import { DEMO_DELAY_MS } from './demo.js';
import { maskSecrets } from './secrets.js';

/** An expected failure of the CLI: printed as one line (no stack trace), exit code non-zero. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    /** `USAGE` for bad arguments (exit 2); anything else exits 1. */
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ChatArgs {
  readonly command: 'chat';
  /** Server URL; `undefined` starts the embedded demo server. */
  readonly url: string | undefined;
  readonly agentId: string | undefined;
  readonly token: string | undefined;
  readonly userName: string | undefined;
  readonly userEmail: string | undefined;
  /** Answer every question without a human: approve writes, fill forms with demo values. */
  readonly yes: boolean;
  /** Send the demo messages instead of reading the user's lines. */
  readonly demo: boolean;
  /** Print `client.diagnostics$`. */
  readonly verbose: boolean;
  /** `false` with `--no-color`; `undefined` decides from the terminal. */
  readonly color: boolean | undefined;
  /** `--delay`: the embedded demo server's pause before each frame; `undefined` is its realistic default. */
  readonly delayMs: number | undefined;
}

export interface ServeArgs {
  readonly command: 'serve';
  readonly port: number;
  readonly host: string;
  readonly token: string | undefined;
  /** `--delay`: pause before each frame of a turn; `undefined` is the demo's realistic default. */
  readonly delayMs: number | undefined;
}

export interface HelpArgs {
  readonly command: 'help';
  readonly topic: 'chat' | 'serve' | undefined;
}

export interface VersionArgs {
  readonly command: 'version';
}

export type CliArgs = ChatArgs | ServeArgs | HelpArgs | VersionArgs;

export const DEFAULT_PORT = 8787;
export const DEFAULT_HOST = '127.0.0.1';

interface OptionSpec {
  readonly name: string;
  readonly short?: string;
  /** Takes a value (`--url X` or `--url=X`); otherwise a boolean flag. */
  readonly value?: boolean;
}

const CHAT_OPTIONS: readonly OptionSpec[] = [
  { name: 'url', value: true },
  { name: 'agent', value: true },
  { name: 'token', value: true },
  { name: 'user', value: true },
  { name: 'email', value: true },
  { name: 'yes', short: 'y' },
  { name: 'demo' },
  { name: 'verbose', short: 'v' },
  { name: 'no-color' },
  { name: 'delay', value: true },
  { name: 'help', short: 'h' },
];

const SERVE_OPTIONS: readonly OptionSpec[] = [
  { name: 'port', short: 'p', value: true },
  { name: 'host', value: true },
  { name: 'token', value: true },
  { name: 'delay', value: true },
  { name: 'help', short: 'h' },
];

type Parsed = Map<string, string | true>;

function parseOptions(command: string, specs: readonly OptionSpec[], argv: readonly string[]): Parsed {
  const parsed: Parsed = new Map();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    let spec: OptionSpec | undefined;
    let inline: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
      inline = eq >= 0 ? arg.slice(eq + 1) : undefined;
      spec = specs.find((s) => s.name === name);
    } else if (arg.startsWith('-') && arg.length === 2) {
      spec = specs.find((s) => s.short === arg[1]);
    } else {
      throw usage(`unexpected argument '${arg}' for ${command}`, command);
    }
    if (spec === undefined) throw usage(`unknown option '${arg.split('=')[0]!}' for ${command}`, command);
    if (spec.value !== true) {
      if (inline !== undefined) throw usage(`option --${spec.name} takes no value`, command);
      parsed.set(spec.name, true);
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined || (inline === undefined && value.startsWith('-') && value.length > 1)) throw usage(`option --${spec.name} needs a value`, command);
    if (value.trim() === '') throw usage(`option --${spec.name} needs a non-empty value`, command);
    parsed.set(spec.name, value);
  }
  return parsed;
}

function usage(message: string, command?: string): CliError {
  return new CliError('USAGE', `${message} (see: smooth-rx ${command !== undefined ? `${command} ` : ''}--help)`);
}

const str = (parsed: Parsed, name: string): string | undefined => {
  const value = parsed.get(name);
  return typeof value === 'string' ? value : undefined;
};

function parseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw usage(`--url '${maskSecrets(raw)}' is not a URL (e.g. ws://127.0.0.1:8787/ws)`, 'chat');
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') throw usage(`--url must be a ws:// or wss:// URL, not ${url.protocol}`, 'chat');
  return raw;
}

function parseDelay(raw: string | undefined, command: string): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d{1,6}$/.test(raw)) throw usage(`--delay must be a number of milliseconds, not '${raw}'`, command);
  return Number(raw);
}

function parsePort(raw: string): number {
  if (!/^\d{1,5}$/.test(raw) || Number(raw) > 65535) throw usage(`--port must be an integer from 0 to 65535, not '${raw}'`, 'serve');
  return Number(raw);
}

/**
 * Parses `argv` (without `node` and the script):
 * `chat [--url U] [--agent ID] [--token T] [--user NAME] [--email E] [--yes] [--demo] [--verbose] [--no-color] [--delay MS]`,
 * `serve [--port N] [--host H] [--token T] [--delay MS]`, `help [chat|serve]`, `--help`, `--version`.
 * A token in a malformed `--url` is masked in the usage error.
 * No arguments at all is `help`.
 *
 * @throws CliError `USAGE` for anything else.
 */
export function parseArgs(argv: readonly string[]): CliArgs {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h') return { command: 'help', topic: undefined };
  if (first === '--version' || first === '-V') return { command: 'version' };
  if (first === 'help') {
    const topic = rest[0];
    if (topic === undefined) return { command: 'help', topic: undefined };
    if (topic === 'chat' || topic === 'serve') return { command: 'help', topic };
    throw usage(`no help on '${topic}'`);
  }
  if (first === 'chat') {
    const parsed = parseOptions('chat', CHAT_OPTIONS, rest);
    if (parsed.has('help')) return { command: 'help', topic: 'chat' };
    const url = str(parsed, 'url');
    if (url !== undefined && parsed.has('delay')) throw usage('--delay paces the embedded demo server: it does not apply with --url', 'chat');
    return {
      command: 'chat',
      url: url === undefined ? undefined : parseUrl(url),
      agentId: str(parsed, 'agent'),
      token: str(parsed, 'token'),
      userName: str(parsed, 'user'),
      userEmail: str(parsed, 'email'),
      yes: parsed.has('yes'),
      demo: parsed.has('demo'),
      verbose: parsed.has('verbose'),
      color: parsed.has('no-color') ? false : undefined,
      delayMs: parseDelay(str(parsed, 'delay'), 'chat'),
    };
  }
  if (first === 'serve') {
    const parsed = parseOptions('serve', SERVE_OPTIONS, rest);
    if (parsed.has('help')) return { command: 'help', topic: 'serve' };
    const port = str(parsed, 'port');
    return {
      command: 'serve',
      port: port === undefined ? DEFAULT_PORT : parsePort(port),
      host: str(parsed, 'host') ?? DEFAULT_HOST,
      token: str(parsed, 'token'),
      delayMs: parseDelay(str(parsed, 'delay'), 'serve'),
    };
  }
  throw usage(first.startsWith('-') ? `unknown option '${first}'` : `unknown command '${first}'`);
}

const MAIN_HELP = `smooth-rx: a terminal chat for smooth-operator agents (RxJS client showcase)

Usage:
  smooth-rx chat [options]    chat with an agent (the embedded demo agent without --url)
  smooth-rx serve [options]   run the embedded mock server with the demo agent
  smooth-rx help [command]    show help
  smooth-rx --version

Try it:  smooth-rx chat --demo --yes
`;

const CHAT_HELP = `Usage: smooth-rx chat [options]

Chat with an agent. Without --url it starts the embedded mock server (the demo agent).

Options:
  --url URL         server WebSocket URL, e.g. ws://127.0.0.1:8787/ws
  --agent ID        agentId of the session (default: demo-shop)
  --token T         auth token (sent as ?token=)
  --user NAME       userName of the session
  --email E         userEmail of the session
  -y, --yes         answer without a human: approve writes, fill forms with demo values
  --demo            send the demo messages one after another instead of reading your lines
  -v, --verbose     print client diagnostics (invalid frames, unknown events, ...)
  --no-color        no ANSI styles (also: NO_COLOR=1; FORCE_COLOR=1 forces them)
  --delay MS        the embedded demo agent's pause before each streamed piece
                    (default: ${DEMO_DELAY_MS}; 0 answers at once); not with --url
  -h, --help        show this help

In the chat: Ctrl-C stops the running turn, or clears the line you are typing;
Ctrl-C at an empty prompt, Ctrl-D or /quit exits. /new starts a new conversation.
A connection lost once the chat is up is reconnected (the next message continues
the conversation); a first connection that fails, or a refusal such as 4001, exits 1.
`;

const SERVE_HELP = `Usage: smooth-rx serve [options]

Run the embedded mock server with the demo agent until Ctrl-C, for front-end work.
Its scripted model answers turns in order, server-wide, and starts over after the
last demo message (see: smooth-rx chat --demo).

Options:
  -p, --port N      port to listen on (default: ${DEFAULT_PORT}; 0 picks a free one)
  --host H          interface to listen on (default: ${DEFAULT_HOST})
  --token T         require this ?token= on connections
  --delay MS        pause before each streamed piece (default: ${DEMO_DELAY_MS}; 0 answers at once)
  -h, --help        show this help
`;

export function helpText(topic: 'chat' | 'serve' | undefined): string {
  if (topic === 'chat') return CHAT_HELP;
  if (topic === 'serve') return SERVE_HELP;
  return MAIN_HELP;
}
