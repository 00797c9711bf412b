/** The server side of one turn: a `send_message` the client sent, answered frame by frame. */
import type { ChoicesSpec, IdentityIntakeSpec, InteractionFieldError, SendMessageAction, ServerEvent, StreamChunkState } from '../../generated/types.js';
import {
  acceptedFrame,
  cancelledFrame,
  chunkFrame,
  errorFrame,
  eventualFrame,
  interactionInvalidFrame,
  interactionRequiredFrame,
  otpRequiredFrame,
  otpSentFrame,
  preambleFrame,
  reasoningFrame,
  splitTokens,
  tokenFrame,
  toolCallFrame,
  toolResultFrame,
  writeConfirmationFrame,
  type OtpAsk,
  type ResponseInit,
} from '../frames.js';
import { ActionHandle, TestingControllerError, type Recorded, type TurnEnding, type TurnProgress } from './handle.js';

/** Options of {@link TestTurn.requireConfirmation}. */
export interface ConfirmationAskOptions {
  /** @default "Approve calling tool '<toolId>'?" */
  actionDescription?: string;
  /** When given, the gated tool's `toolCall` chunk follows, as reference servers send it. */
  args?: Record<string, unknown>;
}

/** Options of {@link TestTurn.requireInteraction}. */
export interface InteractionAskOptions {
  /** @default a fresh `interaction-<n>` */
  interactionId?: string;
  /** Also send the `request_<kind>` toolCall chunk (arguments: the spec and reason), as reference servers do. @default false */
  toolCall?: boolean;
}

/** Options of {@link TestTurn.interactionInvalid}. */
export interface InteractionInvalidOptions {
  /** @default the interaction this turn raised last */
  interactionId?: string;
  /** @default the kind of the interaction this turn raised last */
  kind?: string;
  /** @default 'Some fields need attention.' */
  message?: string;
}

/** Options of {@link TestTurn.requireOtp}. */
export interface OtpAskOptions extends Omit<OtpAsk, 'toolId'> {
  /** Follow with `otp_sent`, as servers do once the code is dispatched. @default true */
  sent?: boolean;
  /** `otp_sent` channel. @default 'email' */
  channel?: string;
  /** `otp_sent` masked destination. @default 'a***@example.com' */
  maskedDestination?: string;
}

interface Raised {
  interactionId: string | undefined;
  kind: string | undefined;
}

/**
 * The server side of one turn, from `expectTurn()`. Every method sends frames on the turn's
 * `requestId`, shaped like reference servers', and returns the handle (fluent), except
 * `requireInteraction`, which returns the interaction id it raised. Methods act now, or at a
 * frame of the turn's timeline through `at(frame)` / `play(marbles, steps)` (see
 * {@link ActionHandle}). Sending after the turn ended (`respond`, `cancelled`, `error`) throws;
 * steps scheduled after a cancel the controller confirmed are dropped, as a server stops the turn.
 *
 * @example
 * server.expectTurn('Where is my order?').at(1).accept().at(2).token('Hel', 'lo').at(3).respond('Hello');
 */
export class TestTurn extends ActionHandle<SendMessageAction> {
  // Shared by every view (views are shallow copies).
  private readonly raised: Raised = { interactionId: undefined, kind: undefined };

  /** The user's message. @throws TestingControllerError when not sent yet. */
  get message(): string {
    return this.action.message;
  }

  get sessionId(): string {
    return this.action.sessionId;
  }

  /** Whether the 202 was sent. */
  get accepted(): boolean {
    return this.slot.entry?.turn?.accepted ?? false;
  }

  /** How the turn ended, `undefined` while it runs (or before it was sent). */
  get ending(): TurnEnding | undefined {
    return this.slot.entry?.turn?.ended;
  }

  /** The id of the interaction this turn raised last, if any (known from the call, even when scheduled). */
  get interactionId(): string | undefined {
    return this.raised.interactionId;
  }

  /** `immediate_response` 202: the turn is accepted. */
  accept(): this {
    return this.frames((id) => [acceptedFrame(id)]);
  }

  /** One `stream_token` per piece, in order. */
  token(...pieces: string[]): this {
    return this.frames((id) => pieces.map((piece) => tokenFrame(id, piece)));
  }

  /** Streams `text` as about `pieces` tokens, split anywhere like reference servers (never inside a code point). */
  stream(text: string, pieces = 3): this {
    return this.token(...splitTokens(text, pieces));
  }

  /** One `stream_reasoning` per piece. */
  reasoning(...pieces: string[]): this {
    return this.frames((id) => pieces.map((piece) => reasoningFrame(id, piece)));
  }

  /** One `stream_preamble` per piece. */
  preamble(...pieces: string[]): this {
    return this.frames((id) => pieces.map((piece) => preambleFrame(id, piece)));
  }

  /** A `stream_chunk` of `node` with any state. */
  chunk(node: string, state: StreamChunkState): this {
    return this.frames((id) => [chunkFrame(id, node, state)]);
  }

  /** The model calls a tool: a `stream_chunk` with `rawResponse.toolCall`. */
  toolCall(name: string, args: Record<string, unknown> = {}): this {
    return this.frames((id) => [toolCallFrame(id, name, args)]);
  }

  /** A tool ran: a `stream_chunk` with `rawResponse.toolResult`; a non-string result is sent as JSON text. */
  toolResult(name: string, result: unknown, isError = false): this {
    return this.frames((id) => [toolResultFrame(id, name, typeof result === 'string' ? result : JSON.stringify(result), isError)]);
  }

  /** `write_confirmation_required` for `toolId` (the turn parks), then the tool's `toolCall` chunk if `args` is given. */
  requireConfirmation(toolId: string, options: ConfirmationAskOptions = {}): this {
    return this.frames((id) => [
      writeConfirmationFrame(id, toolId, options.actionDescription),
      ...(options.args !== undefined ? [toolCallFrame(id, toolId, options.args)] : []),
    ]);
  }

  /**
   * `interaction_required` (the turn parks until `submit_interaction`). Returns the interaction
   * id, known at once even when the frame is scheduled: answer the submit with `expectSubmit()`.
   */
  requireInteraction(kind: 'identity_intake', spec: IdentityIntakeSpec, reason?: string, options?: InteractionAskOptions): string;
  requireInteraction(kind: 'choices', spec: ChoicesSpec, reason?: string, options?: InteractionAskOptions): string;
  requireInteraction(kind: string, spec: Record<string, unknown>, reason?: string, options?: InteractionAskOptions): string;
  requireInteraction(kind: string, spec: object, reason?: string, options: InteractionAskOptions = {}): string {
    const interactionId = options.interactionId ?? this.slot.link.mintInteractionId();
    this.raised.interactionId = interactionId;
    this.raised.kind = kind;
    const specRecord = spec as Record<string, unknown>;
    const ask = { interactionId, kind, spec: specRecord, ...(reason !== undefined ? { reason } : {}) };
    this.frames((id) => [
      interactionRequiredFrame(id, ask),
      ...(options.toolCall === true ? [toolCallFrame(id, `request_${kind}`, { ...specRecord, ...(reason !== undefined ? { reason } : {}) })] : []),
    ]);
    return interactionId;
  }

  /** `interaction_invalid` on the turn, answering the client's pending submit (it stays parked); by default for the interaction raised last. */
  interactionInvalid(errors: InteractionFieldError[], options: InteractionInvalidOptions = {}): this {
    return this.frames((id) => {
      const interactionId = options.interactionId ?? this.raised.interactionId;
      if (interactionId === undefined) throw new TestingControllerError(`${this.description}: interactionInvalid(): no interaction was raised; pass options.interactionId`);
      return [interactionInvalidFrame(id, interactionId, options.kind ?? this.raised.kind, errors, options.message)];
    });
  }

  /** `otp_verification_required` for `toolId`, then `otp_sent` (unless `sent: false`). The turn goes on: end it with `respond()`. */
  requireOtp(toolId: string, options: OtpAskOptions = {}): this {
    const { sent = true, channel = 'email', maskedDestination = 'a***@example.com', ...ask } = options;
    return this.frames((id) => [otpRequiredFrame(id, { toolId, ...ask }), ...(sent ? [otpSentFrame(id, channel, maskedDestination)] : [])]);
  }

  /** `eventual_response` 200: the answer (text, or parts, citations, usage, ...). Ends the turn. */
  respond(answer: string | ResponseInit = {}): this {
    return this.frames((id) => [eventualFrame(id, answer)]);
  }

  /** `cancelled` 499 on the turn. Ends it (use `expectCancel().confirm()` to answer a client's cancel). */
  cancelled(): this {
    return this.frames((id) => [cancelledFrame(id)]);
  }

  /** `error` on the turn's requestId: ends it (e.g. SESSION_NOT_FOUND, TURN_IN_PROGRESS, LLM_UNAVAILABLE). */
  error(code: string, message?: string, details?: unknown): this {
    return this.frames((id) => [errorFrame(id, code, message, details)]);
  }

  /** @internal Steps of a turn stopped by a confirmed cancel are dropped. */
  protected override dropped(entry: Recorded<SendMessageAction>): boolean {
    return super.dropped(entry) || entry.turn?.ended === 'stopped';
  }

  /** Sends any server event; a 202 accepts the turn and a terminal event ends it, as from the methods. */
  override emit(event: ServerEvent | ((requestId: string) => ServerEvent)): this {
    return this.frames((id) => [typeof event === 'function' ? event(id) : event]);
  }

  private frames(build: (requestId: string) => ServerEvent[]): this {
    return this.step((entry) => {
      const turn = progress(entry);
      const frames = build(entry.action.requestId);
      if (turn.ended !== undefined) {
        throw new TestingControllerError(`${this.description}: cannot send ${frames.map((f) => f.type).join(', ')}: the turn already ended (${turn.ended})`);
      }
      this.send(entry, ...frames);
    });
  }
}

function progress(entry: Recorded<SendMessageAction>): TurnProgress {
  if (entry.turn === undefined) throw new TestingControllerError('internal: a send_message without turn progress');
  return entry.turn;
}
