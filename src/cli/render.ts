/** Terminal rendering of `smooth-rx chat`: styles, the output screen, and the formatters of an answer's lines. */

import type { Citation, Usage } from '../generated/types.js';
import { SmoothConnectionError, SmoothConversationLostError, SmoothError, SmoothProtocolError } from '../errors.js';
import type { ChatToolPart } from '../chat/index.js';
import { CliError } from './args.js';
import { fitLine, fitText } from './layout.js';

/** ANSI styles; identity functions when colour is off. */
export interface Style {
  readonly dim: (s: string) => string;
  readonly bold: (s: string) => string;
  readonly red: (s: string) => string;
  readonly green: (s: string) => string;
  readonly yellow: (s: string) => string;
  readonly cyan: (s: string) => string;
}

const sgr = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`;
const plain = (s: string) => s;

export function createStyle(color: boolean): Style {
  if (!color) return { dim: plain, bold: plain, red: plain, green: plain, yellow: plain, cyan: plain };
  return { dim: sgr(2, 22), bold: sgr(1, 22), red: sgr(31, 39), green: sgr(32, 39), yellow: sgr(33, 39), cyan: sgr(36, 39) };
}

/**
 * Whether to use ANSI styles: `--no-color` first; then `FORCE_COLOR` (on unless `0` or `false`,
 * over `NO_COLOR`, as in Node); then a non-empty `NO_COLOR` turns them off; else only on a TTY.
 */
export function useColor(flag: boolean | undefined, isTTY: boolean | undefined, env: Readonly<Record<string, string | undefined>>): boolean {
  if (flag !== undefined) return flag;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return isTTY === true;
}

/** Strips ANSI escape sequences (for tests and widths). */
export function stripAnsi(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\u001b\[[0-9;]*m/g, '');
}

/** Where a chunk of output goes: a stream (`process.stdout`, a PassThrough in tests). */
export interface TextSink {
  write(chunk: string): unknown;
}

/**
 * The chat's output. Tracks whether the cursor is at the start of a line, and holds back the
 * turn's output while a question is open (a prompt waiting for the user's answer), so that
 * frames arriving meanwhile do not tear the prompt line; they are written once it is answered.
 * On a terminal it also shows a transient status (`thinking…`) that the next output erases.
 */
export class Screen {
  private held: string[] = [];
  private prompts = 0;
  private lineStart = true;
  private statusShown = false;
  /** Rows of the last line written as `progress`, while it is still the last thing on screen. */
  private progressRows: number | undefined;

  constructor(
    private readonly sink: TextSink,
    /** The sink is a terminal: cursor controls are understood. @default false */
    private readonly terminal = false,
    /** The terminal's width, read at each line (it may be resized); `undefined` leaves lines whole. */
    private readonly columns: () => number | undefined = () => undefined,
  ) {}

  get atLineStart(): boolean {
    return this.lineStart;
  }

  /** `text` (one or more lines) wrapped to the terminal's width, continuation lines hung under the text. */
  fit(text: string): string {
    return fitText(text, this.columns());
  }

  /** A whole line written at once, even while a question is open (the question's own lines), fitted to the width. */
  directLine(text: string): void {
    this.newline();
    this.emit(`${fitLine(text, this.columns())}\n`);
  }

  /**
   * A line of progress (`reconnecting (attempt 3)…`): on a terminal the next progress line
   * replaces it in place while nothing else was written after it, so an outage reads as one
   * updating line; elsewhere (a pipe, a log) each is a line of its own. `last`: the outcome
   * (`reconnected`), which stays.
   */
  progress(text: string, last = false): void {
    if (this.prompts > 0) {
      this.held.push(`\u0000${text}\n`);
      return;
    }
    const replaced = this.progressRows;
    if (replaced !== undefined && this.lineStart && !this.statusShown) {
      // Up to the start of the progress line; clear it and everything below.
      this.sink.write(`\u001b[${replaced}A\r\u001b[J`);
    }
    const fitted = fitLine(text, this.columns());
    this.newline();
    this.emit(`${fitted}\n`);
    if (!last && this.terminal) this.progressRows = fitted.split('\n').length;
  }

  /** Turn output: written now, or after the open question is answered. */
  write(text: string): void {
    if (text === '') return;
    if (this.prompts > 0) this.held.push(text);
    else this.emit(text);
  }

  /** A whole line of turn output, starting on a fresh line, fitted to the width. */
  line(text: string): void {
    if (this.prompts > 0) {
      this.held.push(`\u0000${text}\n`);
      return;
    }
    this.newline();
    this.emit(`${fitLine(text, this.columns())}\n`);
  }

  /**
   * Rows the progress line above the cursor takes, if it is still the last line written (for a
   * prompt drawn below it that wants to replace it too); `undefined` otherwise.
   */
  get progressLineRows(): number | undefined {
    return this.progressRows;
  }

  /** Something else than this screen wrote below the progress line: it can no longer be replaced. */
  forgetProgress(): void {
    this.progressRows = undefined;
  }

  /** Ends a partly written line. */
  newline(): void {
    if (!this.lineStart) this.emit('\n');
  }

  /** Writes at once, even while a question is open (the question's own text). */
  direct(text: string): void {
    if (text !== '') this.emit(text);
  }

  /**
   * A transient status on an empty line of a terminal (`thinking…`), erased in place by the next
   * output; nothing elsewhere (a pipe, a log file would keep it for good).
   */
  status(text: string): void {
    if (!this.terminal || !this.lineStart || this.prompts > 0 || this.statusShown) return;
    this.sink.write(text);
    this.statusShown = true;
  }

  /** Erases the status, if shown (the cursor is back at the start of the empty line). */
  clearStatus(): void {
    if (!this.statusShown) return;
    this.statusShown = false;
    this.sink.write('\r\u001b[K');
  }

  /** A question opens: hold the turn's output back. */
  beginPrompt(): void {
    this.prompts += 1;
  }

  /** The question is answered: write what was held back. */
  endPrompt(): void {
    this.prompts = Math.max(0, this.prompts - 1);
    if (this.prompts > 0) return;
    const held = this.held;
    this.held = [];
    for (const chunk of held) {
      if (chunk.startsWith('\u0000')) {
        this.newline();
        this.emit(`${fitLine(chunk.slice(1, -1), this.columns())}\n`);
      } else {
        this.emit(chunk);
      }
    }
  }

  /** The cursor is at a line start again (the terminal echoed the user's Enter). */
  markLineStart(): void {
    this.lineStart = true;
  }

  private emit(text: string): void {
    this.clearStatus();
    this.progressRows = undefined;
    this.sink.write(text);
    this.lineStart = text.endsWith('\n');
  }
}

// Pure formatters ---------------------------------------------------------------------------

/** Shortens `s` to `max` characters (with an ellipsis), on one line. */
export function truncate(s: string, max: number): string {
  const oneLine = s.replace(/\s*\n\s*/g, ' ');
  return oneLine.length <= max ? oneLine : `${oneLine.slice(0, Math.max(0, max - 1))}…`;
}

/** Tool arguments as compact JSON, shortened. */
export function formatArguments(args: unknown, max = 100): string {
  if (args === undefined) return '';
  let json: string;
  try {
    json = JSON.stringify(args) ?? String(args);
  } catch {
    json = String(args);
  }
  return truncate(json, max);
}

/** What a tool line shows of a tool the agent ran. */
export type ToolLine = Pick<ChatToolPart, 'name' | 'call' | 'result' | 'status'>;

export const AGENT_PREFIX = 'agent › ';
export const USER_PROMPT = '› ';

/** `  ⚙ lookup_order {"orderId":"1001"}` */
export function formatToolCall(activity: ToolLine, style: Style): string {
  const args = formatArguments(activity.call.arguments);
  return style.dim(`  ⚙ ${activity.name}${args === '' ? '' : ` ${args}`}`);
}

/** `  ✓ lookup_order → Order 1001 …`, `  ✗ lookup_order failed: …`, or `  ✗ cancel_order denied` when the user denied it. */
export function formatToolResult(activity: ToolLine, style: Style, denied = false, heldForCode = false): string {
  const result = truncate(activity.result?.result ?? '', 120);
  if (activity.status === 'failed' && denied) return style.dim(`  ${style.red('✗')} ${activity.name} denied`);
  // Refused until the user verifies a one-time code: it waits for them, it has not failed.
  if (activity.status === 'failed' && heldForCode) return style.dim(`  ${style.yellow('⋯')} ${activity.name} waits for your one-time code`);
  if (activity.status === 'failed') return style.dim(`  ${style.red('✗')} ${activity.name} failed: ${result}`);
  return style.dim(`  ${style.green('✓')} ${activity.name} → ${result}`);
}

/**
 * The sources of an answer, one line each. Citations with a score of 0 (retrieved although
 * nothing matched) are left out; `[]` when none remain.
 */
export function formatCitations(citations: readonly Citation[], style: Style): string[] {
  const relevant = citations.filter((c) => c.score === undefined || c.score > 0);
  if (relevant.length === 0) return [];
  return [
    style.dim('  sources:'),
    ...relevant.map((c, i) => {
      const where = c.url ?? (c.title !== c.id ? c.id : undefined);
      const title = where !== undefined && where !== c.title ? `${c.title} <${where}>` : c.title;
      const snippet = c.snippet !== undefined && c.snippet !== '' ? ` · ${truncate(c.snippet, 72)}` : '';
      return style.dim(`   [${i + 1}] ${title}${snippet}`);
    }),
  ];
}

/** `  usage: 20 prompt + 10 completion tokens · $0.000070`; `undefined` when nothing was reported. */
export function formatUsage(usage: Usage | undefined, style: Style): string | undefined {
  if (usage === undefined) return undefined;
  const parts: string[] = [];
  if (usage.promptTokens !== undefined || usage.completionTokens !== undefined) {
    parts.push(`${usage.promptTokens ?? 0} prompt + ${usage.completionTokens ?? 0} completion tokens`);
  }
  if (usage.costUsd !== undefined) parts.push(`$${usage.costUsd.toFixed(6)}`);
  return parts.length === 0 ? undefined : style.dim(`  usage: ${parts.join(' · ')}`);
}

/**
 * What became of a form, from its raise tool's result (`{"status":"submitted","values":…}` or
 * `{"status":"declined",…}`): the values as the server accepted (and normalised) them.
 */
export function formatFormOutcome(activity: ToolLine, style: Style): string {
  let outcome: { status?: unknown; values?: unknown } | undefined;
  try {
    outcome = JSON.parse(activity.result?.result ?? '') as typeof outcome;
  } catch {
    outcome = undefined;
  }
  if (activity.status === 'failed' || typeof outcome !== 'object' || outcome === null) return formatToolResult(activity, style);
  if (outcome.status === 'declined') return style.dim(`  ${style.yellow('–')} declined`);
  const values = (typeof outcome.values === 'object' && outcome.values !== null ? outcome.values : {}) as Record<string, unknown>;
  const answers = values.answers;
  const shown = Array.isArray(answers)
    ? answers.map((a: { header?: unknown; options?: unknown; other?: unknown }) => {
        const picked = [...(Array.isArray(a.options) ? a.options.map(String) : []), ...(typeof a.other === 'string' ? [a.other] : [])];
        return `${String(a.header)}: ${picked.join(', ')}`;
      })
    : Object.entries(values).map(([key, value]) => `${key}: ${String(value)}`);
  return style.dim(`  ${style.green('✓')} submitted ${shown.join(' · ')}`);
}

/** An error as one line: `CODE: message` for typed errors, the message otherwise. */
export function describeError(error: unknown): string {
  if (error instanceof CliError) return error.message;
  if (error instanceof SmoothError) return `${error.message} (${error.code})`;
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}

/** Close codes servers use to refuse a connection's credentials (and policy violation). */
const AUTH_CLOSE_CODES = new Set([1008, 4001, 4003]);

/** What to try for an error with a known cause (a connection refused, a conversation gone); `undefined` otherwise. */
export function hintFor(error: unknown): string | undefined {
  // A resume after a server restart that lost its conversations: retrying the same one cannot work.
  if (error instanceof SmoothConversationLostError || (error instanceof SmoothProtocolError && error.code === 'CONVERSATION_NOT_FOUND')) return '/new starts a new conversation';
  if (!(error instanceof SmoothConnectionError)) return undefined;
  if (error.closeCode !== undefined && AUTH_CLOSE_CODES.has(error.closeCode)) return 'check --token';
  // The handshake answered with an HTTP status instead of upgrading: servers refuse other paths with 400.
  if (/\b(?:server response|HTTP|status):? 400\b/i.test(error.message)) return 'wrong path? reference servers serve /ws';
  return undefined;
}

/** {@link describeError}, with a hint when the cause is known: `… (CONNECTION_CLOSED) — check --token`. */
export function describeFailure(error: unknown): string {
  const hint = hintFor(error);
  return hint === undefined ? describeError(error) : `${describeError(error)} — ${hint}`;
}
