/**
 * Options of the embedded mock protocol server. Every option is optional: `startMockServer()`
 * with no options serves a scripted agent that answers every turn with empty text.
 */

import { checkFaultKeys, checkScript, checkToolNames } from './script-check.js';

/** One model output of the script: consumed one per model call, in order, per conversation. */
export type MockModelOutput = MockTextOutput | MockToolCallOutput;

/** The model answers with text: streamed as about three `stream_token` pieces; ends the turn. */
export interface MockTextOutput {
  readonly kind: 'text';
  readonly text: string;
  /**
   * The answer instead of `text` when the human turned down the turn's last ask (denied its
   * write confirmation, declined its form or choices), so the agent does not claim a write it did
   * not make nor thank for details it was not given.
   *
   * @default text (the same answer either way)
   */
  readonly declined?: string;
}

/**
 * The model calls a tool: the server runs it (or gates it) and calls the model again, so a turn
 * whose model calls a tool consumes at least two script entries. `startMockServer` checks every
 * call when it starts and rejects with a `MockScriptError` naming the entry (`script[3]`) when
 * the tool is unknown or its arguments do not fit.
 */
export interface MockToolCallOutput {
  readonly kind: 'toolCall';
  /**
   * A tool of {@link MockServerOptions.tools}, or a built-in interaction raise tool:
   * `request_identity_intake` / `request_choices`.
   */
  readonly name: string;
  /**
   * JSON text of an object, as a model produces it. For a tool of `tools`: any object, passed
   * parsed to its `result` function, e.g. `'{"orderId":"1001"}'`. For the raise tools: the
   * kind's spec plus an optional `reason` (the ask's text), checked against the protocol's spec:
   * - `request_identity_intake`: `{ fields: [{ key: 'name' | 'email' | 'phone', required?: boolean,
   *   label?: string }, ...] (at least one), reason?: string }`;
   * - `request_choices`: `{ questions: [{ question: string, header: string (at most 12 characters,
   *   unique), options: [{ label: string, description?: string }] (2 to 4), multiSelect?: boolean }]
   *   (1 to 4), reason?: string }`.
   */
  readonly arguments: string;
}

/** A deterministic tool the scripted model can call. */
export interface MockTool {
  readonly name: string;
  /** @default '' */
  readonly description?: string;
  /** JSON Schema of the arguments; informational (the scripted model does not read it). @default { type: 'object' } */
  readonly parameters?: Readonly<Record<string, unknown>>;
  /**
   * The tool's output text, or a function of the parsed arguments producing it. A function that
   * throws yields a tool result with `isError: true` and the error's message.
   */
  readonly result: string | ((args: Readonly<Record<string, unknown>>) => string);
}

/** A knowledge document; retrieved by word overlap with the user's message. */
export interface MockKnowledgeDocument {
  /** Citation `id` and `title`; also its `url` when it is an http(s) URL. */
  readonly source: string;
  /** Citation `snippet`; its words are matched against the message. */
  readonly content: string;
}

/** One-time-code identity verification with a fixed test code. */
export interface MockOtpOptions {
  /**
   * The code `verify_otp` accepts.
   *
   * @default '123456'
   */
  readonly code?: string;
  /**
   * Tools gated behind verification: the model calling one on an unverified session gets an
   * error result after `otp_verification_required` and `otp_sent`, and the turn completes.
   */
  readonly tools: readonly string[];
  /**
   * Wrong codes a session may submit; the last one answers `MAX_ATTEMPTS` and locks it.
   *
   * @default 3
   */
  readonly maxAttempts?: number;
}

/** What a fault hook knows of the turn it fires in. */
export interface MockTurnInfo {
  /** The turn's requestId (its `send_message` frame's). */
  readonly requestId: string;
  readonly sessionId: string;
  /** 0-based index of the turn among all turns the server accepted. */
  readonly turnIndex: number;
}

/** A frame to inject: raw text (sent as is, need not be JSON) or an object (sent as JSON). */
export type MockInjectedFrame = string | Readonly<Record<string, unknown>>;

/** Inject one frame into a turn after its Nth event. */
export interface MockMalformedFrameFault {
  /** Inject after this many events of the turn were sent (1 = right after the 202 ack). */
  readonly after: number;
  /** The frame, or a function of the turn producing it (to echo its requestId). */
  readonly frame: MockInjectedFrame | ((turn: MockTurnInfo) => MockInjectedFrame);
}

/**
 * Failure injection for resilience tests. "Events of a turn" are the frames the turn itself
 * emits, counted from 1: the 202 ack, stream frames, HITL/OTP prompts and the terminal
 * `eventual_response`. Acks answering `confirm_tool_action` / `submit_interaction` and a
 * `cancelled` answering `cancel` are not counted.
 */
export interface MockFaults {
  /**
   * Terminate the turn's socket abruptly (no close handshake; the client sees code 1006) in
   * place of the turn's `n`-th event, counted as `server.faults.dropAtEvent(n)` counts: `1`
   * terminates it on receipt of the `send_message`, before the ack (the user message is then
   * already stored), `2` right after the ack. The turn is aborted like any disconnect.
   *
   * @default undefined (never)
   */
  readonly dropAtEvent?: number;
  /**
   * Send one extra frame after the turn's Nth event, then carry on with the turn as normal.
   * E.g. `{ after: 4, frame: (t) => ({ type: 'eventual_response', requestId: t.requestId }) }`
   * injects an `eventual_response` missing its `data` before the real one.
   *
   * @default undefined (never)
   */
  readonly malformedFrameAfterEvents?: MockMalformedFrameFault;
  /**
   * Which turns the faults apply to: 0-based indexes counting the `send_message` frames the
   * server accepted (answered 202), server-wide, in arrival order.
   *
   * @default undefined (every turn)
   */
  readonly turns?: readonly number[];
}

/** Options of {@link startMockServer}, in the style of graphql-ws's `ServerOptions`. */
export interface MockServerOptions {
  /**
   * The port to listen on; `0` picks a free one (read it back from `MockServer.port`).
   *
   * @default 0
   */
  readonly port?: number;
  /**
   * The interface to listen on.
   *
   * @default '127.0.0.1'
   */
  readonly host?: string;
  /**
   * The WebSocket path; other paths are refused at the handshake (HTTP 400).
   *
   * @default '/ws'
   */
  readonly path?: string;
  /**
   * When set, a connection whose `?token=` query parameter differs is closed with code 4001
   * right after opening (counted by `MockServer.rejectedConnectionCount()`).
   *
   * @default undefined (no authentication)
   */
  readonly token?: string;
  /**
   * The `agentName` reported by `create_conversation_session` and `get_session`.
   *
   * @default 'smooth-agent'
   */
  readonly agentName?: string;
  /**
   * The scripted model: outputs consumed one per model call, in order. Each conversation plays
   * it from its start (a second browser tab gets the first answer, not the first tab's next one);
   * a resumed conversation goes on where it was. Once exhausted the model answers with empty
   * text. Checked when the server starts (see {@link MockToolCallOutput}).
   *
   * @default []
   */
  readonly script?: readonly MockModelOutput[];
  /**
   * Deterministic tools the script may call; a script calling a tool not listed here (nor built
   * in) is refused when the server starts.
   *
   * @default []
   */
  readonly tools?: readonly MockTool[];
  /**
   * Names of tools needing a write confirmation: the turn emits `write_confirmation_required`
   * and the `toolCall` chunk, then parks until `confirm_tool_action` (or cancel/disconnect).
   *
   * @default []
   */
  readonly confirmTools?: readonly string[];
  /**
   * OTP identity verification for some tools. `verify_otp` always works (with the default code
   * when this is unset); the gate only applies to `otp.tools`.
   *
   * @default undefined (no tool is gated; code '123456', 3 attempts)
   */
  readonly otp?: MockOtpOptions;
  /**
   * Knowledge documents: each turn retrieves up to 3 and returns them as `citations` on the
   * `eventual_response`. No citations at all when empty.
   *
   * @default []
   */
  readonly knowledge?: readonly MockKnowledgeDocument[];
  /**
   * Skills `send_message.skill` may name; any other skill is answered with `SKILL_NOT_FOUND`
   * (fail-closed, like real servers).
   *
   * @default []
   */
  readonly skills?: readonly string[];
  /**
   * Delay, in milliseconds, before each frame a turn emits after its 202 ack (real timers).
   * Use it to cancel or disconnect mid-stream.
   *
   * @default 0
   */
  readonly tokenDelayMs?: number;
  /**
   * Failure injection for resilience tests, fixed for the server's life. To arm faults while
   * clients are connected (drops, refused or stalled handshakes, lost pongs, half-open sockets, a
   * restart), use the knobs on the started server, `server.faults`.
   *
   * @default undefined (no faults)
   */
  readonly faults?: MockFaults;
}

/** The options with every default applied. */
export interface ResolvedMockServerOptions {
  readonly port: number;
  readonly host: string;
  readonly path: string;
  readonly token: string | undefined;
  readonly agentName: string;
  readonly script: readonly MockModelOutput[];
  readonly tools: ReadonlyMap<string, MockTool>;
  readonly confirmTools: ReadonlySet<string>;
  readonly otp: { readonly code: string; readonly tools: ReadonlySet<string>; readonly maxAttempts: number };
  readonly knowledge: readonly MockKnowledgeDocument[];
  readonly skills: ReadonlySet<string>;
  readonly tokenDelayMs: number;
  readonly faults: MockFaults;
}

export function resolveOptions(options: MockServerOptions = {}): ResolvedMockServerOptions {
  const maxAttempts = options.otp?.maxAttempts ?? 3;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new RangeError('otp.maxAttempts must be a positive integer');
  const tokenDelayMs = options.tokenDelayMs ?? 0;
  if (!(tokenDelayMs >= 0)) throw new RangeError('tokenDelayMs must be >= 0');
  const dropAtEvent = options.faults?.dropAtEvent;
  if (dropAtEvent !== undefined && !(Number.isInteger(dropAtEvent) && dropAtEvent >= 1)) throw new RangeError(`faults.dropAtEvent must be a positive integer (got ${String(dropAtEvent)})`);
  const tools = new Map((options.tools ?? []).map((tool) => [tool.name, tool]));
  checkScript(options.script ?? [], tools);
  checkToolNames('confirmTools', options.confirmTools ?? [], tools);
  checkToolNames('otp.tools', options.otp?.tools ?? [], tools);
  checkFaultKeys(options.faults ?? {});
  return {
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    path: options.path ?? '/ws',
    token: options.token,
    agentName: options.agentName ?? 'smooth-agent',
    script: [...(options.script ?? [])],
    tools,
    confirmTools: new Set(options.confirmTools ?? []),
    otp: { code: options.otp?.code ?? '123456', tools: new Set(options.otp?.tools ?? []), maxAttempts },
    knowledge: [...(options.knowledge ?? [])],
    skills: new Set(options.skills ?? []),
    tokenDelayMs,
    faults: options.faults ?? {},
  };
}
