/**
 * `smooth-rx chat`: a terminal chat driving the package's chat (`createSmoothChat`): each line
 * typed is `chat.send`, its answer is drawn from the chat's state, the chat's asks are put to the
 * human and answered through it. The chat carries the conversation across reconnects; this
 * module tells the connection's story on screen and ends when the client gives up.
 */
import { EMPTY, Observable, Subject, Subscription, distinctUntilChanged, filter, firstValueFrom, map, merge, take, takeUntil, timer } from 'rxjs';
import { createSmoothChat, type SmoothChat } from '../chat/index.js';
import { createSmoothClient, type SmoothClient } from '../client/client.js';
import { refusesCredentials } from '../client/options.js';
import type { SmoothClientOptions } from '../client/options.js';
import { SmoothConnectionError } from '../errors.js';
import { startMockServer, type MockServer, type MockServerOptions } from '../testing/mock-server/index.js';
import type { ChatArgs } from './args.js';
import { gaveUpError, isGivingUp, tellConnectionStory } from './connection-story.js';
import { DEMO_AGENT_ID, DEMO_IDENTITY, DEMO_MESSAGES, demoServerOptions } from './demo.js';
import { runExchange, type Exchange } from './exchange.js';
import { fitLine } from './layout.js';
import { autoPrompter, humanPrompter, type Prompter } from './prompters.js';
import { LineReader } from './prompts.js';
import { Screen, USER_PROMPT, createStyle, describeFailure } from './render.js';
import { maskSecrets, tokenOf } from './secrets.js';

/** Render capabilities this chat declares: it asks forms and numbered choices at the prompt. */
export const CHAT_SUPPORTS = ['identity_form', 'choice_chips'] as const;

export interface ChatIO {
  /** The user's lines (`process.stdin`, a PassThrough in tests). */
  readonly input: NodeJS.ReadableStream;
  /** The chat (`process.stdout`). */
  readonly output: NodeJS.WritableStream;
  /** Where a fatal error's one-line message goes. @default output */
  readonly errorOutput?: NodeJS.WritableStream;
  /** Input and output are a TTY: readline edits lines and reports Ctrl-C. @default false */
  readonly terminal?: boolean;
  /** ANSI styles. @default false */
  readonly color?: boolean;
  /** The terminal's width, read at each turn (it may be resized): answers wrap between words. @default no wrapping */
  readonly columns?: () => number | undefined;
  /** Each emission is one Ctrl-C (SIGINT). */
  readonly interrupts?: Observable<unknown>;
  /** Overrides of the embedded demo server's options (tests). */
  readonly serverOptions?: MockServerOptions;
  /** The client's reconnect budget and back-off once the chat is up (tests). @default the client's defaults */
  readonly reconnect?: Pick<SmoothClientOptions, 'retryAttempts' | 'retryBaseDelayMs' | 'retryMaxDelayMs'>;
}

/** How long a server that does not answer a ping must keep its socket open to count as up. */
const PING_WAIT_MS = 1000;

/** Exit code of a chat left with Ctrl-C. */
export const EXIT_INTERRUPTED = 130;

const HELP_LINE =
  'Type a message and press Enter. /new starts a new conversation. Ctrl-C stops a running turn or clears the line; Ctrl-C at an empty prompt, Ctrl-D or /quit exits.';

/**
 * Runs a chat until the input ends, `/quit`, Ctrl-C at an empty prompt (or a second one), or the
 * end of the demo messages with `--demo`. Resolves with the exit code; a fatal error is printed as
 * one line, with a hint when the cause is known, and resolves 1. The token (`--token`, or
 * `token=` in `--url`) is masked in every banner, error, notice and verbose line.
 *
 * The first connection is not retried: a wrong URL, token or server fails at once. Once it is up,
 * a lost connection is reconnected with the client's back-off, shown as dimmed
 * `reconnecting (attempt n)…` and `reconnected` lines; a turn it cut short says so (and which
 * ask it was parked on), and the next message goes on in the same conversation. A conversation
 * the server lost is said at once, with `/new` as the way on. When the client gives up (a fatal
 * close code, or its attempts exhausted) the chat ends with 1. `/new` starts a new conversation.
 */
export async function runChat(args: ChatArgs, io: ChatIO): Promise<number> {
  const style = createStyle(io.color ?? false);
  const terminal = io.terminal ?? false;
  const screen = new Screen(io.output, terminal, () => io.columns?.());
  const secrets = [args.token, tokenOf(args.url)];
  const mask = (text: string): string => maskSecrets(text, secrets);
  const reader = new LineReader({ input: io.input, output: io.output, screen, terminal });
  const subscriptions = new Subscription();
  const exit$ = new Subject<void>();
  let server: MockServer | undefined;
  let client: SmoothClient | undefined;
  let chat: SmoothChat | undefined;
  let url = args.url;
  /** Set once the first connection is up: from then on a lost connection is reconnected. */
  let chatUp = false;

  // Ctrl-C: stops the running turn; exits at the prompt, or when a stop was not followed by a new line.
  // (In a terminal, Ctrl-C on a half-typed line only clears it: the reader does not report it.)
  let exchange: Exchange | undefined;
  let stoppedSinceInput = false;
  let exitCode: number | undefined;
  const exitController = new AbortController();
  const requestExit = (code: number): void => {
    exitCode ??= code;
    exchange?.stop();
    exitController.abort();
    exit$.next();
  };
  subscriptions.add(
    merge(io.interrupts ?? EMPTY, reader.interrupts$).subscribe(() => {
      if (exchange !== undefined && !stoppedSinceInput) {
        stoppedSinceInput = true;
        exchange.stop();
      } else {
        requestExit(EXIT_INTERRUPTED);
      }
    }),
  );

  /** The chat's last words: one line, with a hint when the cause is known. */
  const fail = (error: unknown): void => {
    screen.newline();
    (io.errorOutput ?? io.output).write(`${fitLine(`smooth-rx: ${mask(describeFailure(error))}`, io.columns?.())}\n`);
  };

  try {
    if (url === undefined) {
      server = await startMockServer(
        demoServerOptions({
          ...(args.token !== undefined ? { token: args.token } : {}),
          ...(args.delayMs !== undefined ? { tokenDelayMs: args.delayMs } : {}),
          ...io.serverOptions,
        }),
      );
      url = server.url;
    }
    client = createSmoothClient({
      url,
      ...(args.token !== undefined ? { token: args.token } : {}),
      ...io.reconnect,
      // Before the chat is up, a failure is a wrong URL, token or server: say so now instead of
      // retrying for minutes. After, a drop is a restart or the network: worth reconnecting.
      shouldRetry: (close) => chatUp && !refusesCredentials(close),
    });
    const connected = client;
    if (args.verbose) {
      subscriptions.add(connected.diagnostics$.subscribe((d) => screen.line(style.dim(mask(`  · diagnostic ${d.kind}: ${d.message}`)))));
      subscriptions.add(connected.state$.subscribe((state) => screen.line(style.dim(mask(`  · connection ${describeState(state)}`)))));
    }

    const shownUrl = mask(url);
    screen.line(`${style.bold('smooth-rx chat')} ${style.dim('·')} ${server !== undefined ? `embedded demo server at ${shownUrl}` : shownUrl}`);
    // Connected before the session: a wrong URL, token or server is said now, as a connection
    // failure; a server that does not answer pings is up once its socket stayed open a moment.
    let open = false;
    subscriptions.add(connected.state$.subscribe((state) => (open = state.status === 'open')));
    const up$ = merge(connected.ping(), timer(PING_WAIT_MS).pipe(filter(() => open)));
    const pong = await firstValueFrom(up$.pipe(map(() => true), takeUntil(exit$)), { defaultValue: undefined }).catch((error: unknown) => {
      throw error instanceof SmoothConnectionError ? new SmoothConnectionError(error.code, `cannot connect to ${shownUrl}: ${error.message}`, error.closeCode, error.reason) : error;
    });
    if (pong === undefined) return exitCode ?? EXIT_INTERRUPTED;
    chatUp = true;
    const agentId = args.agentId ?? DEMO_AGENT_ID;
    const current = createSmoothChat(connected, {
      agentId,
      ...(args.userName !== undefined ? { userName: args.userName } : {}),
      ...(args.userEmail !== undefined ? { userEmail: args.userEmail } : {}),
      supports: [...CHAT_SUPPORTS],
    });
    chat = current;
    if (args.verbose) {
      subscriptions.add(
        current.state$
          .pipe(
            map((state) => state.conversationId),
            distinctUntilChanged(),
          )
          .subscribe((id) => {
            if (id !== undefined) screen.line(style.dim(mask(`  · conversation ${id}`)));
          }),
      );
    }
    const story = tellConnectionStory(connected.state$, {
      notice: (line, kind) => {
        if (exitCode === undefined) reader.notice(style.dim(mask(line)), kind);
      },
    });
    subscriptions.add(story.subscription);
    subscriptions.add(
      current.state$.pipe(map((state) => state.error), filter(isGivingUp), take(1)).subscribe((fault) => {
        if (exitCode !== undefined) return;
        // Exit first: it abandons an open prompt, so the error is the chat's last line.
        requestExit(1);
        fail(gaveUpError(fault, story.attempts));
      }),
    );
    subscriptions.add(
      conversationLost(current).subscribe((error) => {
        if (exitCode === undefined) reader.notice(style.red(`  ✗ ${mask(describeFailure(error))}`));
      }),
    );

    // The session is opened now, not with the first message, so that the header can name the agent
    // as the server does (it creates the conversation then). A failure is the chat's to tell: the
    // header then names the agent by its id, and the first message tries again.
    current.open();
    const opened = await firstValueFrom(
      current.state$.pipe(
        filter((state) => state.conversationId !== undefined || state.error !== undefined || state.status === 'closed'),
        takeUntil(exit$),
      ),
      { defaultValue: undefined },
    );
    if (opened === undefined || exitCode !== undefined) return exitCode ?? EXIT_INTERRUPTED;
    const agent = opened.agentName !== undefined && opened.agentName !== agentId ? `${opened.agentName} (${agentId})` : agentId;
    // On a line of its own, and the keys' line short enough for 80 columns (/help says the rest).
    screen.line(style.dim(mask(`agent ${agent}`)));
    screen.line(style.dim('Ctrl-C stops a turn or clears the line · /new starts over · Ctrl-D exits'));
    if (server !== undefined && !args.demo) {
      screen.line(style.dim('The demo agent answers in script order; try these messages one after another:'));
      DEMO_MESSAGES.forEach((message, i) => screen.line(style.dim(`  ${i + 1}. ${message}`)));
    }

    const prompter: Prompter = args.yes
      ? autoPrompter(screen, style, { name: args.userName ?? DEMO_IDENTITY.name, email: args.userEmail ?? DEMO_IDENTITY.email, phone: DEMO_IDENTITY.phone })
      : humanPrompter(reader, screen, style, () => requestExit(0));
    const columns = io.columns;

    const demoMessages = args.demo ? [...DEMO_MESSAGES] : undefined;
    let blankLine = true; // after the header, and between turns
    for (;;) {
      if (exitCode !== undefined) break;
      if (blankLine) screen.direct('\n');
      blankLine = true;
      let message: string | null;
      if (demoMessages !== undefined) {
        message = demoMessages.shift() ?? null;
        if (message !== null) screen.direct(`${style.bold(USER_PROMPT)}${message}\n`);
      } else {
        try {
          message = await reader.read(style.bold(USER_PROMPT), exitController.signal);
        } catch {
          break; // abandoned: an exit was requested
        }
        stoppedSinceInput = false;
      }
      if (message === null) break;
      const line = message.trim();
      if (line === '') {
        blankLine = false;
        continue;
      }
      if (line === '/quit' || line === '/exit') break;
      if (line === '/help') {
        screen.line(style.dim(HELP_LINE));
        continue;
      }
      if (line === '/new') {
        current.newConversation();
        screen.line(style.dim('new conversation · it starts with your next message'));
        continue;
      }
      const lost = current.state.error;
      if (lost?.code === 'CONVERSATION_LOST') {
        // Sent again, it would fail again: the server forgot this conversation.
        screen.line(style.red(`  ✗ ${mask(describeFailure(lost.error))}`));
        continue;
      }
      const width = columns?.();
      exchange = runExchange(line, { chat: current, screen, style, prompter, view: { mask, ...(width !== undefined ? { columns: width } : {}) } });
      const outcome = await exchange.done;
      exchange = undefined;
      if (outcome === 'fatal') return 1;
    }
    return exitCode ?? 0;
  } catch (error) {
    fail(error);
    return 1;
  } finally {
    exchange?.stop();
    subscriptions.unsubscribe();
    reader.close();
    chat?.close();
    client?.close();
    await server?.close();
  }
}

/** The error of a conversation the server forgot (a restart), once each time it happens. */
function conversationLost(chat: SmoothChat): Observable<unknown> {
  return new Observable<unknown>((subscriber) => {
    let said: unknown;
    return chat.state$.subscribe((state) => {
      const error = state.error?.code === 'CONVERSATION_LOST' ? state.error.error : undefined;
      if (error !== undefined && error !== said) subscriber.next(error);
      said = error;
    });
  });
}

/** A connection state for `--verbose`: a plain status, or one with details (`{ status, … }`). */
function describeState(state: unknown): string {
  if (typeof state !== 'object' || state === null) return String(state);
  const { status, ...details } = state as { status?: unknown };
  const shown = Object.entries(details).filter(([, value]) => value !== undefined);
  return `${String(status)}${shown.length > 0 ? ` (${shown.map(([key, value]) => `${key} ${String(value)}`).join(', ')})` : ''}`;
}
