/**
 * One turn of the mock server: the scripted model loop, tool calls and their gates (write
 * confirmation, OTP, interactions), parking, cancellation and fault injection.
 */
import { randomUUID } from 'node:crypto';
import type { Citation, StreamChunkEvent, ToolResult } from '../../generated/types.js';
import type { ServerContext } from './context.js';
import {
  acceptedFrame,
  cancelledFrame,
  errorFrame,
  interactionRequiredFrame,
  otpRequiredFrame,
  otpSentFrame,
  splitTokens,
  tokenFrame,
  toolCallFrame,
  toolResultFrame,
  writeConfirmationFrame,
} from '../frames.js';
import { eventualResponse } from './frames.js';
import {
  conversationalResult,
  declinedResult,
  type InteractionKind,
  parseRaiseArguments,
  raiseToolKind,
  submittedResult,
} from './interactions.js';
import { retrieve } from './knowledge.js';
import { parseToolArguments } from './model.js';
import type { ArmedDrop } from './faults.js';
import type { MockFaults, MockTurnInfo } from './options.js';
import { maskEmail } from './otp.js';
import type { SessionRecord } from './session-store.js';

/** Where a turn sends its frames: its connection. */
export interface TurnTransport {
  send(frame: object | string): void;
  /** Destroys the socket without a close handshake. */
  terminate(): void;
  /** Closes the socket: with a close handshake carrying `code`, or abruptly without one. */
  close(code: number | undefined, reason: string): void;
}

/** What a parked turn waits for. */
export type Park =
  | { readonly type: 'confirmation'; readonly toolName: string }
  | { readonly type: 'interaction'; readonly interactionId: string; readonly kind: InteractionKind; readonly spec: Record<string, unknown> };

export type InteractionOutcome = { readonly declined: true } | { readonly declined: false; readonly values: Record<string, unknown> };

type Resolution = { readonly approved: boolean } | InteractionOutcome;

/** Thrown inside a turn that was cancelled, disconnected or dropped: unwinds it silently. */
class TurnAborted extends Error {}

const DENIED = 'Denied by human: user rejected the action';
const OTP_REQUIRED = 'identity verification required';

export class Turn {
  readonly info: MockTurnInfo;
  private readonly controller = new AbortController();
  private readonly faults: MockFaults | undefined;
  /** The `server.faults.dropAtEvent` knob when this turn took it, else the `faults.dropAtEvent` option. */
  private readonly drop: ArmedDrop | undefined;
  private events = 0;
  private modelCalls = 0;
  private ended = false;
  private parkState: Park | undefined;
  /** Whether the human turned down the turn's last ask (a denied write, a declined form). */
  private refused = false;
  private resolvePark: ((resolution: Resolution) => void) | undefined;

  constructor(
    private readonly ctx: ServerContext,
    readonly transport: TurnTransport,
    readonly session: SessionRecord,
    readonly requestId: string,
    turnIndex: number,
    private readonly onEnd: (turn: Turn) => void,
  ) {
    this.info = { requestId, sessionId: session.sessionId, turnIndex };
    const { faults } = ctx.options;
    this.faults = faults.turns === undefined || faults.turns.includes(turnIndex) ? faults : undefined;
    // The run-time knob, else the start option: one way to count, so one mechanism.
    const armed = ctx.faults.takeDrop();
    const fixed = this.faults?.dropAtEvent;
    this.drop = armed ?? (fixed === undefined ? undefined : { at: fixed, code: undefined, reason: '' });
    ctx.turns.add(this);
  }

  /** What the turn is parked on, if it is. */
  get park(): Park | undefined {
    return this.parkState;
  }

  /** Stores the user message, acks the turn and runs it to its end (asynchronously). */
  start(message: string): void {
    this.ctx.store.append(this.session, 'inbound', message);
    void this.run(message);
  }

  /** Stops the turn for a `cancel`: it emits nothing more; `cancelled` answers in its place. */
  cancel(): void {
    if (this.ended) return;
    this.abort();
    this.transport.send(cancelledFrame(this.requestId));
  }

  /** Stops the turn silently (disconnect, server close). Nothing of the reply is stored. */
  abort(): void {
    this.controller.abort();
    this.end();
  }

  /** Resumes a turn parked on a write confirmation. */
  confirm(approved: boolean): void {
    if (this.parkState?.type === 'confirmation') this.resolvePark?.({ approved });
  }

  /** Resumes a turn parked on an interaction with the (already validated) outcome. */
  submit(outcome: InteractionOutcome): void {
    if (this.parkState?.type === 'interaction') this.resolvePark?.(outcome);
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.parkState = undefined;
    this.resolvePark = undefined;
    this.ctx.turns.delete(this);
    this.onEnd(this);
  }

  private async run(message: string): Promise<void> {
    try {
      this.sendCounted(acceptedFrame(this.requestId));
      const citations: Citation[] | undefined =
        this.ctx.options.knowledge.length > 0 ? retrieve(this.ctx.options.knowledge, message) : undefined;
      let text: string;
      for (;;) {
        const output = this.ctx.model.call(this.session.conversation);
        this.modelCalls += 1;
        if (output.kind === 'text') {
          text = this.refused && output.declined !== undefined ? output.declined : output.text;
          break;
        }
        await this.toolCall(output.name, output.arguments);
      }
      for (const token of splitTokens(text)) await this.emit(tokenFrame(this.requestId, token));
      await this.pause();
      const messageId = randomUUID();
      this.ctx.store.append(this.session, 'outbound', text, messageId);
      const outcome = { messageId, text, modelCalls: this.modelCalls, ...(citations === undefined ? {} : { citations }) };
      this.sendCounted(eventualResponse(this.requestId, outcome));
    } catch (error) {
      if (!(error instanceof TurnAborted) && !this.controller.signal.aborted) {
        const reason = error instanceof Error ? error.message : String(error);
        this.transport.send(errorFrame(this.requestId, 'INTERNAL_ERROR', `mock server failure: ${reason}`));
      }
    } finally {
      this.end();
    }
  }

  private async toolCall(name: string, argumentsJson: string): Promise<void> {
    // The script was checked when the server started: arguments parse, the tool exists.
    const args = parseToolArguments(argumentsJson);
    if (typeof args === 'string') throw new Error(`unchecked script: ${args}`);
    const fail = async (message: string): Promise<void> => {
      await this.emit(toolCallFrame(this.requestId, name, args));
      await this.emit(toolResultFrame(this.requestId, name, message, true));
    };

    const raise = raiseToolKind(name);
    if (raise !== undefined) return this.raiseInteraction(name, raise.kind, raise.capability, args);

    const { otp, confirmTools } = this.ctx.options;
    if (otp.tools.has(name) && !this.session.verified) {
      await this.emit(otpRequiredFrame(this.requestId, { toolId: name }));
      await this.emit(otpSentFrame(this.requestId, 'email', maskEmail(this.session.userEmail)));
      return fail(OTP_REQUIRED);
    }
    if (confirmTools.has(name)) {
      const parked = this.parkBeforeAsking({ type: 'confirmation', toolName: name });
      await this.emit(writeConfirmationFrame(this.requestId, name));
      await this.emit(toolCallFrame(this.requestId, name, args));
      const resolution = await parked;
      const approved = 'approved' in resolution && resolution.approved;
      this.refused = !approved;
      if (approved) await this.emit(this.toolResult(name, args));
      else await this.emit(toolResultFrame(this.requestId, name, DENIED, true));
      return;
    }
    await this.emit(toolCallFrame(this.requestId, name, args));
    await this.emit(this.toolResult(name, args));
  }

  /** Runs a configured tool: its `stream_chunk` with `rawResponse.toolResult`. */
  private toolResult(name: string, args: Record<string, unknown>): StreamChunkEvent {
    const { result, isError } = this.runTool(name, args);
    return toolResultFrame(this.requestId, name, result, isError);
  }

  private runTool(name: string, args: Record<string, unknown>): ToolResult {
    const tool = this.ctx.options.tools.get(name);
    if (tool === undefined) throw new Error(`unchecked script: no tool '${name}'`);
    try {
      return { name, isError: false, result: typeof tool.result === 'string' ? tool.result : tool.result(args) };
    } catch (error) {
      return { name, isError: true, result: error instanceof Error ? error.message : String(error) };
    }
  }

  private async raiseInteraction(name: string, kind: InteractionKind, capability: string, args: Record<string, unknown>): Promise<void> {
    const rid = this.requestId;
    const parts = parseRaiseArguments(kind, args);
    if (typeof parts === 'string') throw new Error(`unchecked script: ${parts}`);
    if (!this.session.supports.includes(capability)) {
      await this.emit(toolCallFrame(rid, name, args));
      await this.emit(toolResultFrame(rid, name, conversationalResult(kind, parts)));
      return;
    }
    const interactionId = randomUUID();
    const parked = this.parkBeforeAsking({ type: 'interaction', interactionId, kind, spec: parts.spec });
    await this.emit(interactionRequiredFrame(rid, { interactionId, kind, ...parts }));
    await this.emit(toolCallFrame(rid, name, args));
    const outcome = await parked;
    this.refused = !('declined' in outcome && !outcome.declined);
    const result = 'declined' in outcome && !outcome.declined ? submittedResult(outcome.values) : declinedResult();
    await this.emit(toolResultFrame(rid, name, result));
  }

  /**
   * Parks before the ask goes out: a client may answer as soon as it sees the ask, even while
   * the tool-call chunk that follows it is still delayed.
   */
  private parkBeforeAsking(park: Park): Promise<Resolution> {
    const parked = this.parkUntilResolved(park);
    // Awaited once the ask is out; an abort in between rejects there, not as an unhandled rejection.
    parked.catch(() => undefined);
    return parked;
  }

  private parkUntilResolved(park: Park): Promise<Resolution> {
    const signal = this.controller.signal;
    return new Promise<Resolution>((resolve, reject) => {
      if (signal.aborted) return reject(new TurnAborted());
      const onAbort = (): void => reject(new TurnAborted());
      signal.addEventListener('abort', onAbort, { once: true });
      this.parkState = park;
      this.resolvePark = (resolution) => {
        signal.removeEventListener('abort', onAbort);
        this.parkState = undefined;
        this.resolvePark = undefined;
        resolve(resolution);
      };
    });
  }

  /** Waits `tokenDelayMs` (real timers), then throws if the turn was stopped meanwhile. */
  private async pause(): Promise<void> {
    const delay = this.ctx.options.tokenDelayMs;
    const signal = this.controller.signal;
    if (delay > 0) {
      await new Promise<void>((resolve, reject) => {
        const onAbort = (): void => {
          clearTimeout(timer);
          reject(new TurnAborted());
        };
        const timer = setTimeout(() => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        }, delay);
        signal.addEventListener('abort', onAbort, { once: true });
      });
    }
    if (signal.aborted) throw new TurnAborted();
  }

  private async emit(frame: object): Promise<void> {
    await this.pause();
    this.sendCounted(frame);
  }

  /** Sends one event of the turn (or closes the socket in its place: `dropAtEvent`), then applies the faults due after it. */
  private sendCounted(frame: object): void {
    if (this.controller.signal.aborted) throw new TurnAborted();
    if (this.drop?.at === this.events + 1) {
      this.abort();
      this.transport.close(this.drop.code, this.drop.reason);
      throw new TurnAborted();
    }
    this.transport.send(frame);
    this.events += 1;
    const injected = this.faults?.malformedFrameAfterEvents;
    if (injected !== undefined && injected.after === this.events) {
      const raw = typeof injected.frame === 'function' ? injected.frame(this.info) : injected.frame;
      this.transport.send(typeof raw === 'string' ? raw : JSON.stringify(raw));
    }
  }
}
