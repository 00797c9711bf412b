/** The terminal view of one answer of the chat: its parts written as they grow, then how it ended. */
import type { ChatAssistantMessage, ChatToolPart } from '../chat/index.js';
import type { InteractionFieldError } from '../generated/types.js';
import { SmoothConnectionLostError } from '../errors.js';
import { interruptedNotice } from './connection-story.js';
import { AGENT_PREFIX, type Screen, type Style, describeFailure, formatCitations, formatFormOutcome, formatToolCall, formatToolResult, formatUsage } from './render.js';
import { WordWrap } from './wrap.js';

type Channel = 'answer' | 'reasoning' | 'preamble';

/** What of the message streams as text, by channel. */
interface Streams {
  readonly answer: string;
  readonly reasoning: string;
  readonly preamble: string;
}

const NOTHING: Streams = { answer: '', reasoning: '', preamble: '' };

function streamsOf(message: ChatAssistantMessage): Streams {
  let answer = '';
  let reasoning = '';
  let preamble = '';
  for (const part of message.parts) {
    if (part.type === 'text') answer += part.text;
    else if (part.type === 'reasoning') reasoning += part.text;
    else if (part.type === 'preamble') preamble = part.text;
  }
  return { answer, reasoning, preamble };
}

export interface AnswerViewOptions {
  /** The terminal's width: streamed text wraps between words; `undefined` leaves lines whole. */
  readonly columns?: number;
  /** Applied to error lines (masks secrets). @default identity */
  readonly mask?: (text: string) => string;
}

/**
 * Writes an assistant message of the chat from its successive snapshots: streamed text as it
 * grows (only what is new since the last snapshot, so a terminal never redraws), tool calls and
 * their results, then the sources and the usage, or how the answer ended otherwise. Questions
 * (write confirmations, forms, codes) are asked by the prompts, not written here.
 */
export class AnswerView {
  private previous: Streams = NOTHING;
  private channel: Channel | undefined;
  private wrap: WordWrap | undefined;
  private readonly shown = new Map<object, ChatToolPart['status']>();
  /** Raise tools of interactions asked as forms: their tool lines would only repeat the form. */
  private readonly formTools = new Set<string>();
  /** Tools whose write the user denied: their error result is the denial, not a failure. */
  private readonly deniedTools = new Set<string>();
  private finished = false;

  constructor(
    private readonly screen: Screen,
    private readonly style: Style,
    private readonly options: AnswerViewOptions = {},
  ) {}

  /** The user denied the write of `toolName`: its result reads "denied". */
  denied(toolName: string): void {
    this.deniedTools.add(toolName);
  }

  update(message: ChatAssistantMessage): void {
    if (this.finished) return;
    const ask = message.ask;
    if (ask !== undefined && ask.type !== 'confirm' && ask.type !== 'otp') this.formTools.add(`request_${ask.type === 'interaction' ? ask.kind : ask.type}`);
    const before = this.previous;
    const now = streamsOf(message);
    this.previous = now;
    this.renderStream('reasoning', before.reasoning, now.reasoning);
    this.renderStream('preamble', before.preamble, now.preamble);
    this.renderTools(message.parts.filter((part): part is ChatToolPart => part.type === 'tool'), ask?.type === 'otp' ? ask.toolId : undefined);
    this.renderStream('answer', before.answer, now.answer);

    switch (message.status) {
      case 'complete':
        this.finished = true;
        if (now.answer === '') this.screen.line(`${this.style.cyan(AGENT_PREFIX)}${this.style.dim('(no answer)')}`);
        this.endStream();
        for (const part of message.parts) {
          if (part.type === 'citations') for (const line of formatCitations(part.citations, this.style)) this.screen.line(line);
          const usage = part.type === 'usage' ? formatUsage(part.usage, this.style) : undefined;
          if (usage !== undefined) this.screen.line(usage);
          if (part.type === 'escalation') this.screen.line(this.style.yellow(`  ⚑ the agent asks for a human${part.reason !== undefined ? `: ${part.reason}` : ''}`));
        }
        break;
      case 'cancelled':
        this.finished = true;
        this.endStream();
        this.screen.line(this.style.yellow('  ⏹ turn cancelled'));
        break;
      case 'interrupted':
      case 'failed':
        this.failed(message.error?.error ?? message.error?.message);
        break;
      default:
    }
  }

  /** The server rejected the values of a form: its errors, before the form is asked again. */
  rejected(errors: readonly InteractionFieldError[], message: string | undefined): void {
    this.endStream();
    this.screen.line(this.style.red(`  ✗ ${message ?? 'The server rejected these values.'}`));
    for (const error of errors) this.screen.line(this.style.red(`    ${error.field !== undefined ? `${error.field}: ` : ''}${error.message}`));
  }

  /** The user stopped the turn (the client sent `cancel`). */
  stopped(): void {
    if (this.finished) return;
    this.finished = true;
    this.endStream();
    this.screen.line(this.style.yellow('  ⏹ stopped (cancel sent)'));
  }

  /**
   * The answer failed (a server `error`, a timeout, a lost connection). A lost connection reads as
   * an interrupted answer, with the ask it was parked on: the client reconnects by itself.
   */
  failed(error: unknown): void {
    if (this.finished) return;
    this.finished = true;
    this.endStream();
    const mask = this.options.mask ?? ((text: string) => text);
    const text = error instanceof SmoothConnectionLostError ? interruptedNotice(error) : describeFailure(error);
    this.screen.line(this.style.red(`  ✗ ${mask(text)}`));
  }

  private renderStream(channel: Channel, before: string, now: string): void {
    if (now === before) return;
    let delta: string;
    if (now.startsWith(before)) {
      delta = now.slice(before.length);
    } else {
      // Replaced (a final answer that differs from what was streamed, a new preamble): restart.
      if (now === '') return;
      this.endStream();
      delta = now;
    }
    if (this.channel !== channel) {
      this.endStream();
      this.channel = channel;
      const prefix = channel === 'answer' ? AGENT_PREFIX : channel === 'reasoning' ? '  (thinking) ' : '  (preamble) ';
      this.wrap = new WordWrap(this.options.columns, prefix.length, AGENT_PREFIX.length);
      this.screen.newline();
      this.screen.write(channel === 'answer' ? this.style.cyan(prefix) : this.style.dim(prefix));
    }
    this.writeStream(this.wrap!.push(delta));
  }

  private writeStream(text: string): void {
    if (text !== '') this.screen.write(this.channel === 'answer' ? text : this.style.dim(text));
  }

  private endStream(): void {
    if (this.channel === undefined) return;
    this.writeStream(this.wrap!.flush());
    this.channel = undefined;
    this.wrap = undefined;
    this.screen.write('\n');
  }

  /** `heldForCode`: the tool a one-time code is asked for (its error result is that refusal). */
  private renderTools(tools: readonly ChatToolPart[], heldForCode: string | undefined): void {
    for (const tool of tools) {
      // Cut with its turn before any result: the turn's own last line says why.
      if (tool.status !== 'running' && tool.result === undefined) continue;
      // The call keeps its identity when the result comes in place.
      const key = tool.call;
      const seen = this.shown.get(key);
      if (seen === tool.status) continue;
      this.shown.set(key, tool.status);
      if (this.formTools.has(tool.name)) {
        if (tool.status !== 'running') {
          this.endStream();
          this.screen.line(formatFormOutcome(tool, this.style));
        }
        continue;
      }
      this.endStream();
      if (seen === undefined) this.screen.line(formatToolCall(tool, this.style));
      if (tool.status !== 'running') this.screen.line(formatToolResult(tool, this.style, this.deniedTools.has(tool.name), tool.name === heldForCode));
    }
  }
}
