/**
 * Questions to the human: a line reader over `node:readline`, and the answers to the chat's asks
 * (write confirmations, forms, choices, one-time codes), from a person or from `--yes`.
 */
import { createInterface, type Interface } from 'node:readline';
import { Observable, Subject } from 'rxjs';
import type { ChatChoicesAsk, ChatConfirmAsk, ChatIdentityAsk, ChatOtpAsk } from '../chat/index.js';
import type { ChoicesQuestion, ChoicesValues, IdentityIntakeValues } from '../generated/types.js';
import type { Screen, Style } from './render.js';

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

/** A question as a cold Observable: subscribing asks, unsubscribing abandons the question. */
function ask<T>(screen: Screen, run: (signal: AbortSignal) => Promise<T>): Observable<T> {
  return new Observable<T>((subscriber) => {
    const controller = new AbortController();
    screen.beginPrompt();
    let open = true;
    const close = (): void => {
      if (!open) return;
      open = false;
      screen.endPrompt();
    };
    run(controller.signal).then(
      (value) => {
        close();
        subscriber.next(value);
        subscriber.complete();
      },
      (error: unknown) => {
        close();
        if (!controller.signal.aborted) subscriber.error(error);
      },
    );
    return () => {
      controller.abort();
      close();
    };
  });
}

/** A form's answer: the values, or `undefined` when the user declined it. */
export type FormReply<V> = V | undefined;

/**
 * What the chat asks the human. `attempt` counts the answers asked for the same ask: from 2 on,
 * the server rejected the previous one (its errors are on the ask).
 */
export interface Prompter {
  /** Approve (`true`) or deny a write. */
  confirmWrite(ask: ChatConfirmAsk): Observable<boolean>;
  identity(ask: ChatIdentityAsk, attempt: number): Observable<FormReply<IdentityIntakeValues>>;
  choices(ask: ChatChoicesAsk, attempt: number): Observable<FormReply<ChoicesValues>>;
  /** The one-time code, or `undefined` to dismiss it. */
  otp(ask: ChatOtpAsk, attempt: number): Observable<string | undefined>;
}

const FIELD_LABELS: Readonly<Record<string, string>> = { name: 'Name', email: 'Email', phone: 'Phone' };

export function fieldLabel(field: { key: string; label?: string }): string {
  return field.label !== undefined && field.label !== '' ? field.label : (FIELD_LABELS[field.key] ?? field.key);
}

/** The question of a write confirmation (the tool call and its arguments are shown just above it). */
export function confirmQuestion(ask: Pick<ChatConfirmAsk, 'toolId' | 'actionDescription'>, style: Style): string {
  const { toolId, actionDescription } = ask;
  return `  ${style.yellow('?')} ${actionDescription || `Approve calling tool '${toolId}'?`} ${style.bold('[y/N]')} `;
}

function formHeader(screen: Screen, style: Style, title: string, reason: string | undefined): void {
  screen.directLine(`  ${style.yellow('▤')} ${title}${reason !== undefined && reason !== '' ? style.dim(` (${reason})`) : ''}`);
}

/** Parses an answer to a numbered question: option labels, or free text as `other`. */
export function parseChoice(answer: string, question: ChoicesQuestion): { options?: string[]; other?: string } | { error: string } {
  const trimmed = answer.trim();
  if (trimmed === '') return { error: 'Choose an option.' };
  const tokens = trimmed.split(/[\s,]+/).filter((t) => t !== '');
  if (tokens.every((t) => /^\d+$/.test(t))) {
    const picked = [...new Set(tokens.map(Number))];
    const bad = picked.find((n) => n < 1 || n > question.options.length);
    if (bad !== undefined) return { error: `${bad} is not an option (1-${question.options.length}).` };
    if (picked.length > 1 && question.multiSelect !== true) return { error: 'Choose only one option.' };
    return { options: picked.map((n) => question.options[n - 1]!.label) };
  }
  return { other: trimmed };
}

/** `/quit` (or `/exit`) typed at any question. */
const isQuit = (line: string): boolean => line.trim() === '/quit' || line.trim() === '/exit';

/**
 * Asks a person through `reader`. `/quit` at a question calls `quit` and answers nothing the
 * server would take as data (a write is denied, a form declined).
 */
export function humanPrompter(reader: LineReader, screen: Screen, style: Style, quit: () => void): Prompter {
  const previous = new Map<string, IdentityIntakeValues>();
  const askLine = async (prompt: string, signal: AbortSignal): Promise<string | null> => {
    const line = await reader.read(prompt, signal, 'question');
    if (line === null || !isQuit(line)) return line;
    quit();
    return null;
  };
  return {
    confirmWrite: (confirm) =>
      ask(screen, async (signal) => {
        screen.newline();
        for (;;) {
          const line = await askLine(confirmQuestion(confirm, style), signal);
          if (line === null) {
            screen.direct(style.dim('  (input ended: denied)\n'));
            return false;
          }
          const answer = line.trim().toLowerCase();
          if (answer === 'y' || answer === 'yes') return true;
          if (answer === 'n' || answer === 'no' || answer === '') return false;
          screen.direct(style.dim('  please answer y or n\n'));
        }
      }),
    identity: (form, attempt) =>
      ask(screen, async (signal) => {
        const { fields } = form.spec;
        const values: IdentityIntakeValues = { ...(previous.get(form.interactionId) ?? {}) };
        const failed = new Set(form.errors.map((e) => e.field));
        const retry = attempt > 1;
        formHeader(screen, style, retry ? 'Please correct your details' : 'The agent asks for your details', retry ? undefined : form.reason);
        if (!retry) screen.direct(style.dim('    (/skip declines)\n'));
        for (const field of fields) {
          if (retry && !failed.has(field.key) && values[field.key] !== undefined) continue;
          const line = await askLine(`    ${fieldLabel(field)}${field.required === true ? '*' : ''}: `, signal);
          if (line === null || line.trim() === '/skip') {
            screen.direct(style.dim('  (declined)\n'));
            return undefined;
          }
          if (line.trim() === '') delete values[field.key];
          else values[field.key] = line.trim();
        }
        previous.set(form.interactionId, values);
        return values;
      }),
    choices: (form, attempt) =>
      ask(screen, async (signal) => {
        formHeader(screen, style, attempt > 1 ? 'Please answer again' : 'The agent asks you to choose', form.reason);
        const answers: ChoicesValues['answers'] = [];
        for (const question of form.spec.questions) {
          showOptions(screen, style, question);
          const hint = question.multiSelect === true ? `1-${question.options.length}, several with commas` : `1-${question.options.length}`;
          for (;;) {
            const line = await askLine(`    choose ${hint} (or type an answer, /skip): `, signal);
            if (line === null || line.trim() === '/skip') {
              screen.direct(style.dim('  (declined)\n'));
              return undefined;
            }
            const parsed = parseChoice(line, question);
            if ('error' in parsed) {
              screen.directLine(style.red(`    ${parsed.error}`));
              continue;
            }
            answers.push({ header: question.header, ...parsed });
            break;
          }
        }
        return { answers };
      }),
    otp: (code, attempt) =>
      ask(screen, async (signal) => {
        if (attempt === 1) otpHeader(screen, style, code);
        else screen.directLine(style.red(`    ✗ ${otpRejection(code)}`));
        for (;;) {
          const line = await askLine('    code (/skip dismisses): ', signal);
          if (line === null || line.trim() === '/skip') {
            screen.direct(style.dim('  (dismissed)\n'));
            return undefined;
          }
          if (line.trim() !== '') return line.trim();
        }
      }),
  };
}

function showOptions(screen: Screen, style: Style, question: ChoicesQuestion): void {
  screen.directLine(`    ${style.bold(question.question)}${style.dim(` [${question.header}]`)}`);
  question.options.forEach((option, i) => {
    screen.directLine(`     ${i + 1}) ${option.label}${option.description !== undefined ? style.dim(` · ${option.description}`) : ''}`);
  });
}

/** `🔒 Cancelling needs a one-time code, sent by sms to ***1234`. */
function otpHeader(screen: Screen, style: Style, code: ChatOtpAsk): void {
  const what = code.actionDescription !== undefined && code.actionDescription !== '' ? code.actionDescription : `${code.toolId} needs your identity verified`;
  const sent = code.sent;
  const where = sent === undefined ? '' : style.dim(` (a one-time code was sent${sent.channel !== undefined ? ` by ${sent.channel}` : ''}${sent.maskedDestination !== undefined ? ` to ${sent.maskedDestination}` : ''})`);
  screen.directLine(`  ${style.yellow('🔒')} ${what}${where}`);
}

/** The server's word on a wrong code, with the attempts left. */
function otpRejection(code: ChatOtpAsk): string {
  const message = code.invalid?.message;
  if (message !== undefined && message !== '') return message;
  const left = code.invalid?.attemptsRemaining;
  return `That code is not valid${left === undefined ? '' : ` (${left} attempt${left === 1 ? '' : 's'} left)`}.`;
}

/** Values `--yes` answers with. */
export interface AutoAnswers {
  readonly name: string;
  readonly email: string;
  readonly phone: string;
}

/**
 * Answers without a person (`--yes`): approves writes, fills forms with `answers`, picks the
 * first option of every question, dismisses one-time codes (nobody can read them); prints each
 * answer after its question.
 */
export function autoPrompter(screen: Screen, style: Style, answers: AutoAnswers): Prompter {
  const auto = style.dim(' (--yes)');
  // Nobody is there to correct what the server rejected: the same values would fail again.
  const declineRetry = (): undefined => {
    screen.directLine(style.dim(`  (declined${auto.trimEnd()})`));
    return undefined;
  };
  return {
    confirmWrite: (confirm) =>
      ask(screen, async () => {
        screen.newline();
        screen.directLine(`${confirmQuestion(confirm, style)}y${auto}`);
        return true;
      }),
    identity: (form, attempt) =>
      ask(screen, async () => {
        if (attempt > 1) return declineRetry();
        formHeader(screen, style, 'The agent asks for your details', form.reason);
        const values: IdentityIntakeValues = {};
        for (const field of form.spec.fields) {
          const value = answers[field.key];
          values[field.key] = value;
          screen.directLine(`    ${fieldLabel(field)}${field.required === true ? '*' : ''}: ${value}${auto}`);
        }
        return values;
      }),
    choices: (form, attempt) =>
      ask(screen, async () => {
        if (attempt > 1) return declineRetry();
        formHeader(screen, style, 'The agent asks you to choose', form.reason);
        const picked: ChoicesValues['answers'] = [];
        for (const question of form.spec.questions) {
          showOptions(screen, style, question);
          const first = question.options[0];
          screen.directLine(`    choose: 1 ${first.label}${auto}`);
          picked.push({ header: question.header, options: [first.label] });
        }
        return { answers: picked };
      }),
    otp: (code) =>
      ask(screen, async () => {
        otpHeader(screen, style, code);
        screen.directLine(style.dim(`    (dismissed: a one-time code needs a person)${auto}`));
        return undefined;
      }),
  };
}
