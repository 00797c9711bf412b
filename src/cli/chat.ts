/**
 * `smooth-rx chat`: a terminal chat over one client and one session handle, each turn piped
 * through the package's own operators — `confirmWrites` and `answerInteractions` answer the agent
 * inside the stream, `transcript()` folds the turn into what `TurnRenderer` draws. The handle
 * carries the conversation across reconnects; the chat tells the connection's story on screen.
 */
import { EMPTY, ReplaySubject, Subject, Subscription, filter, firstValueFrom, map, merge, of, switchMap, take, takeUntil, tap, timeout, type Observable } from 'rxjs';
import { createSmoothClient, type SmoothClient } from '../client/client.js';
import { refusesCredentials } from '../client/options.js';
import type { SmoothSession } from '../client/session.js';
import type { SmoothClientOptions } from '../client/options.js';
import { SmoothConnectionError, SmoothConnectionLostError } from '../errors.js';
import type { WriteConfirmationRequiredEvent } from '../generated/types.js';
import { startMockServer, type MockServer, type MockServerOptions } from '../testing/mock-server/index.js';
import { answerInteractions, confirmWrites, transcript, type ToolActivity, type TurnTranscript } from '../../operators/index.js';
import type { ChatArgs } from './args.js';
import { tellConnectionStory } from './connection-story.js';
import { DEMO_AGENT_ID, DEMO_IDENTITY, DEMO_MESSAGES, demoServerOptions } from './demo.js';
import { fitLine } from './layout.js';
import { LineReader, autoPrompter, humanPrompter, type Prompter } from './prompts.js';
import { Screen, TurnRenderer, USER_PROMPT, createStyle, describeFailure } from './render.js';
import { maskSecrets, tokenOf } from './secrets.js';

/** Render capabilities this chat declares: it asks forms and numbered choices at the prompt. */
export const CHAT_SUPPORTS = ['identity_form', 'choice_chips'] as const;

/**
 * How long a write confirmation waits for its tool call to show its arguments first: servers
 * send it right after the ask, but a slow or paced one (`--delay`) may take a while, and the
 * call's line must come before the question, not after the answer.
 */
const CALL_WAIT_MS = 2000;

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

/** Exit code of a chat left with Ctrl-C. */
export const EXIT_INTERRUPTED = 130;

type TurnOutcome = 'completed' | 'stopped' | 'failed' | 'interrupted' | 'fatal';

const HELP_LINE =
  'Type a message and press Enter. /new starts a new conversation. Ctrl-C stops a running turn or clears the line; Ctrl-C at an empty prompt, Ctrl-D or /quit exits.';

/**
 * Runs a chat until the input ends, `/quit`, Ctrl-C at an empty prompt (or a second one), or the
 * end of the demo messages with `--demo`. Resolves with the exit code; a fatal error is printed as
 * one line, with a hint when the cause is known, and resolves 1. The token (`--token`, or
 * `token=` in `--url`) is masked in every banner, error, notice and verbose line.
 *
 * The first connection is not retried: a wrong URL, token or server fails at once. Once the first
 * session exists, a lost connection is reconnected with the client's back-off, shown as dimmed
 * `reconnecting (attempt n)…` and `reconnected` lines; a turn it cut short says so (and which
 * ask it was parked on), and the next message resumes the same conversation on a new session.
 * When the client gives up (a fatal close code, or its attempts exhausted) the chat ends with 1.
 * `/new` closes the session handle and starts a new conversation.
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
  let session: SmoothSession | undefined;
  let url = args.url;
  /** Set once the first session exists: from then on a lost connection is reconnected. */
  let chatUp = false;

  // Ctrl-C: stops the running turn; exits at the prompt, or when a stop was not followed by a new line.
  // (In a terminal, Ctrl-C on a half-typed line only clears it: the reader does not report it.)
  let stopTurn: (() => void) | undefined;
  let stoppedSinceInput = false;
  let exitCode: number | undefined;
  const exitController = new AbortController();
  const requestExit = (code: number): void => {
    exitCode ??= code;
    stopTurn?.();
    exitController.abort();
    exit$.next();
  };
  subscriptions.add(
    merge(io.interrupts ?? EMPTY, reader.interrupts$).subscribe(() => {
      if (stopTurn !== undefined && !stoppedSinceInput) {
        stoppedSinceInput = true;
        stopTurn();
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
    const sessionOptions = {
      agentId: args.agentId ?? DEMO_AGENT_ID,
      ...(args.userName !== undefined ? { userName: args.userName } : {}),
      ...(args.userEmail !== undefined ? { userEmail: args.userEmail } : {}),
      supports: [...CHAT_SUPPORTS],
    };
    const newSession = (): SmoothSession => {
      const handle = connected.session(sessionOptions);
      if (args.verbose) subscriptions.add(handle.info$.subscribe((info) => screen.line(style.dim(mask(`  · session ${info.sessionId} (conversation ${info.conversationId})`)))));
      return handle;
    };

    const shownUrl = mask(url);
    screen.line(`${style.bold('smooth-rx chat')} ${style.dim('·')} ${server !== undefined ? `embedded demo server at ${shownUrl}` : shownUrl}`);
    session = newSession();
    const first = await firstValueFrom(session.open().pipe(takeUntil(exit$)), { defaultValue: undefined }).catch((error: unknown) => {
      throw error instanceof SmoothConnectionError ? new SmoothConnectionError(error.code, `cannot connect to ${shownUrl}: ${error.message}`, error.closeCode, error.reason) : error;
    });
    if (first === undefined) return exitCode ?? EXIT_INTERRUPTED;
    chatUp = true;
    subscriptions.add(
      tellConnectionStory(connected.state$, {
        notice: (line, kind) => {
          if (exitCode === undefined) reader.notice(style.dim(mask(line)), kind);
        },
        gaveUp: (error) => {
          if (exitCode !== undefined) return;
          // Exit first: it abandons an open prompt, so the error is the chat's last line.
          requestExit(1);
          fail(error);
        },
      }),
    );

    screen.line(style.dim(`session ${first.sessionId} with ${first.agentName} · Ctrl-C stops a turn or clears the line · /new starts over · Ctrl-D or /quit exits`));
    if (server !== undefined && !args.demo) {
      screen.line(style.dim('The demo agent answers in script order; try these messages one after another:'));
      DEMO_MESSAGES.forEach((message, i) => screen.line(style.dim(`  ${i + 1}. ${message}`)));
    }

    const prompter: Prompter = args.yes
      ? autoPrompter(screen, style, { name: args.userName ?? DEMO_IDENTITY.name, email: args.userEmail ?? DEMO_IDENTITY.email, phone: DEMO_IDENTITY.phone })
      : humanPrompter(reader, screen, style, () => requestExit(0));

    const runTurn = (current: SmoothSession, message: string): Promise<TurnOutcome> =>
      new Promise<TurnOutcome>((resolve) => {
        const columns = io.columns?.();
        const renderer = new TurnRenderer(screen, style, { mask, ...(columns !== undefined ? { columns } : {}) });
        const latest = new ReplaySubject<TurnTranscript>(1);
        let settled = false;
        const done = (outcome: TurnOutcome): void => {
          if (settled) return;
          settled = true;
          stopTurn = undefined;
          screen.clearStatus();
          latest.complete();
          resolve(outcome);
        };
        const subscription = current
          .turn(message)
          .pipe(
            confirmWrites((ask) =>
              confirmWithCall(ask, latest, prompter).pipe(
                tap((approved) => {
                  if (!approved) renderer.denied(ask.data.data.toolId);
                }),
              ),
            ),
            answerInteractions(
              {
                identity_intake: (ask) => prompter.identity(ask),
                choices: (ask) => prompter.choices(ask),
              },
              { maxAttempts: 5 },
            ),
            transcript(),
          )
          .subscribe({
            next: (t) => {
              renderer.update(t);
              latest.next(t);
            },
            error: (error: unknown) => {
              renderer.failed(error);
              // A lost connection is being reconnected (or the state watcher ends the chat).
              done(error instanceof SmoothConnectionLostError ? 'interrupted' : error instanceof SmoothConnectionError ? 'fatal' : 'failed');
            },
            complete: () => done('completed'),
          });
        if (!settled) {
          screen.status(style.dim('thinking…'));
          stopTurn = () => {
            // Unsubscribing is the stop: the client sends `cancel` and holds the next turn until the server confirms.
            subscription.unsubscribe();
            renderer.stopped();
            done('stopped');
          };
        }
      });

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
        // The new handle opens (and holds the connection) before the old one lets go of it.
        const next = newSession();
        const opening = firstValueFrom(next.open().pipe(takeUntil(exit$)), { defaultValue: undefined });
        session.close();
        session = next;
        const info = await opening.catch((error: unknown) => {
          // The handle creates its session on the next message instead.
          screen.line(style.red(`  ✗ ${mask(describeFailure(error))}`));
          return undefined;
        });
        if (info !== undefined) screen.line(style.dim(`new conversation · session ${info.sessionId}`));
        continue;
      }
      if ((await runTurn(session, line)) === 'fatal') return 1;
    }
    return exitCode ?? 0;
  } catch (error) {
    fail(error);
    return 1;
  } finally {
    stopTurn?.();
    subscriptions.unsubscribe();
    reader.close();
    session?.close();
    client?.close();
    await server?.close();
  }
}

/**
 * The gated tool's call, once it arrived: servers send its `toolCall` chunk right after
 * `write_confirmation_required`, and a person should see the arguments before approving.
 * Emits `undefined` when the call does not come within {@link CALL_WAIT_MS}.
 */
function toolCallOf(toolName: string, latest: Observable<TurnTranscript>): Observable<ToolActivity | undefined> {
  return latest.pipe(
    map((t) => t.tools.find((activity) => activity.name === toolName && activity.status === 'running')),
    filter((activity) => activity !== undefined),
    take(1),
    timeout({ first: CALL_WAIT_MS, with: () => of(undefined) }),
  );
}

/** Asks to approve a write once its tool call (with the arguments) was shown. */
function confirmWithCall(ask: WriteConfirmationRequiredEvent, latest: Observable<TurnTranscript>, prompter: Prompter): Observable<boolean> {
  return toolCallOf(ask.data.data.toolId, latest).pipe(switchMap(() => prompter.confirmWrite(ask)));
}

/** A connection state for `--verbose`: a plain status, or one with details (`{ status, … }`). */
function describeState(state: unknown): string {
  if (typeof state !== 'object' || state === null) return String(state);
  const { status, ...details } = state as { status?: unknown };
  const shown = Object.entries(details).filter(([, value]) => value !== undefined);
  return `${String(status)}${shown.length > 0 ? ` (${shown.map(([key, value]) => `${key} ${String(value)}`).join(', ')})` : ''}`;
}
