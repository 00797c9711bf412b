/** The user's lines: a line reader over `node:readline`, for messages and for the answers to asks. */
import { createInterface, type Interface } from 'node:readline';
import { Subject } from 'rxjs';
import type { Screen } from './render.js';

/** Raised by `LineReader.read` when its signal aborts. */
export class PromptAbortedError extends Error {
  override readonly name = 'PromptAbortedError';
  readonly code = 'PROMPT_ABORTED';
  constructor() {
    super('the question was abandoned');
  }
}

export interface LineReaderOptions {
  readonly input: NodeJS.ReadableStream;
  /** The terminal the prompts go to; only used (by readline) when `terminal`. */
  readonly output: NodeJS.WritableStream;
  readonly screen: Screen;
  /** A TTY on both sides: readline edits lines, echoes them and reports Ctrl-C. */
  readonly terminal: boolean;
}

/**
 * Reads the user's lines one question at a time. Lines that arrive while no question is open
 * (piped input, typing ahead) are queued for the next question, never lost. Without a terminal
 * the answer is echoed after its prompt, so the transcript reads like a session.
 */
export class LineReader {
  private readonly rl: Interface;
  private readonly queue: string[] = [];
  private waiting: ((line: string | null) => void) | undefined;
  private waitingKind: 'message' | 'question' = 'message';
  private waitingPrompt = '';
  private ended = false;
  /** Rows of the progress notice drawn above the open prompt, while it can be replaced. */
  private noticeRows: number | undefined;
  /**
   * Ctrl-C typed in the terminal (readline's SIGINT), except one that only cleared a half-typed
   * message: like a shell, Ctrl-C on typed text at the prompt drops the text, not the chat.
   */
  readonly interrupts$ = new Subject<void>();

  constructor(private readonly options: LineReaderOptions) {
    this.rl = createInterface({
      input: options.input,
      ...(options.terminal ? { output: echoOnlyWhile(options.output, () => this.waiting !== undefined), terminal: true } : { terminal: false }),
    });
    this.rl.on('line', (line: string) => {
      const waiting = this.waiting;
      // The Enter was echoed only at an open prompt (type-ahead is not echoed).
      if (options.terminal && waiting !== undefined) options.screen.markLineStart();
      this.noticeRows = undefined;
      if (waiting === undefined) {
        this.queue.push(line);
        return;
      }
      this.waiting = undefined;
      if (!options.terminal) options.screen.direct(`${line}\n`);
      waiting(line);
    });
    this.rl.on('close', () => {
      this.ended = true;
      const waiting = this.waiting;
      this.waiting = undefined;
      if (waiting !== undefined) {
        options.screen.direct('\n');
        waiting(null);
      }
    });
    // A listener keeps readline from closing itself on Ctrl-C.
    this.rl.on('SIGINT', () => {
      const typed = this.rl.line !== '';
      // readline keeps the line on Ctrl-C: the next prompt would show it and Enter would send it.
      this.clearLine();
      if (typed && this.waiting !== undefined && this.waitingKind === 'message') return;
      this.interrupts$.next();
    });
  }

  /**
   * Empties readline's line at an open prompt (readline redraws the prompt). Type-ahead while a
   * turn streams is left alone: a redraw there would overwrite the streaming line.
   */
  private clearLine(): void {
    if (!this.options.terminal || this.waiting === undefined || this.rl.line === '') return;
    this.rl.write(null, { ctrl: true, name: 'e' });
    this.rl.write(null, { ctrl: true, name: 'u' });
  }

  /** Whether the input has ended (Ctrl-D, end of a pipe). */
  get closed(): boolean {
    return this.ended;
  }

  /**
   * Shows `prompt` and resolves with the next line, or `null` once the input has ended.
   * Rejects with `PromptAbortedError` when `signal` aborts first.
   *
   * A `question` (a confirmation, a form field) asked in a terminal takes only a line typed after
   * it was shown: what the user typed ahead while the agent worked was meant as the next message,
   * and an Enter pressed while waiting must not deny a write. Piped input answers in order.
   */
  read(prompt: string, signal?: AbortSignal, kind: 'message' | 'question' = 'message'): Promise<string | null> {
    if (signal?.aborted === true) return Promise.reject(new PromptAbortedError());
    if (this.waiting !== undefined) return Promise.reject(new Error('a question is already open'));
    const { screen, terminal } = this.options;
    const queued = kind === 'question' && terminal ? undefined : this.queue.shift();
    if (queued !== undefined) {
      screen.direct(`${screen.fit(`${prompt}${queued}`)}\n`);
      return Promise.resolve(queued);
    }
    if (this.ended) return Promise.resolve(null);
    // A question longer than the line: its first lines are written, the last one is the prompt readline edits after.
    const fitted = screen.fit(prompt);
    const lastBreak = fitted.lastIndexOf('\n');
    if (lastBreak >= 0) screen.direct(fitted.slice(0, lastBreak + 1));
    const promptLine = fitted.slice(lastBreak + 1);
    this.waitingPrompt = promptLine;
    return new Promise<string | null>((resolve, reject) => {
      const onAbort = (): void => {
        if (this.waiting !== settle) return;
        // What was typed at an abandoned question answers nothing: it must not start the next message.
        this.clearLine();
        this.waiting = undefined;
        this.noticeRows = undefined;
        screen.direct('\n');
        reject(new PromptAbortedError());
      };
      const settle = (line: string | null): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve(line);
      };
      this.waiting = settle;
      this.waitingKind = kind;
      signal?.addEventListener('abort', onAbort, { once: true });
      // Drawn once the question is open: readline's writes reach the screen only then.
      if (terminal) {
        this.rl.setPrompt(promptLine);
        this.showPrompt();
      } else {
        screen.direct(promptLine);
      }
    });
  }

  /**
   * A whole line of news that is not part of a turn (the connection's story): above an open
   * message prompt, which is drawn again with what was typed so far, so the line does not tear it;
   * anywhere else a screen line (held back while a question is open, like a turn's output).
   * A `progress` notice is replaced in place by the next one on a terminal (see `Screen.progress`);
   * `last` is the progress's outcome, which stays.
   */
  notice(text: string, kind: 'line' | 'progress' | 'last' = 'line'): void {
    const { screen, terminal, output } = this.options;
    if (this.waiting === undefined || this.waitingKind !== 'message') {
      if (kind === 'line') screen.line(text);
      else screen.progress(text, kind === 'last');
      return;
    }
    if (terminal) {
      const fitted = screen.fit(text);
      // Up from the cursor to the prompt's first row, and over the progress notice it replaces.
      const replaced = kind === 'line' ? 0 : (this.noticeRows ?? screen.progressLineRows ?? 0);
      const up = this.rl.getCursorPos().rows + replaced;
      output.write(`\r${up > 0 ? `\u001b[${up}A` : ''}\u001b[J${fitted}\n`);
      screen.forgetProgress();
      this.noticeRows = kind === 'progress' ? fitted.split('\n').length : undefined;
      this.showPrompt();
      return;
    }
    screen.newline();
    screen.direct(`${screen.fit(text)}\n${this.waitingPrompt}`);
  }

  /**
   * Draws the prompt with what was typed so far (type-ahead included), the cursor after it, on
   * the fresh line below whatever was written last.
   */
  private showPrompt(): void {
    // readline would first move up over the rows it drew last time: they are gone (or were
    // never shown, for type-ahead), and moving up would eat the lines above.
    (this.rl as unknown as { prevRows: number }).prevRows = 0;
    this.rl.prompt(true);
  }

  close(): void {
    this.rl.close();
  }
}

/**
 * The terminal as readline sees it: everything passes, but its writes (the echo of keys, its
 * redraws) only reach the screen while a prompt is open. Keys typed while an answer streams
 * stay in readline's line, unseen, and show up at the next prompt instead of inside the answer.
 */
function echoOnlyWhile(output: NodeJS.WritableStream, open: () => boolean): NodeJS.WritableStream {
  const write = (...args: Parameters<NodeJS.WritableStream['write']>): boolean => {
    if (open()) return (output.write as (...a: typeof args) => boolean)(...args);
    // A callback still runs, as the stream would run it.
    const callback = args.find((arg): arg is (error?: Error | null) => void => typeof arg === 'function');
    if (callback !== undefined) queueMicrotask(() => callback());
    return true;
  };
  return new Proxy(output, {
    get(target, property) {
      if (property === 'write') return write;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
