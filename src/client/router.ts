import type { ServerEvent } from '../generated/types.js';
import type { SmoothError } from '../errors.js';
import { isValidEvent, validateEvent, type ValidationIssue } from '../validation/validate.js';
import type { Diagnostic } from './diagnostics.js';

/** A consumer of the events of one requestId (a request, a turn, a resume). */
export interface Route {
  /** A valid event carrying this requestId. */
  deliver(event: ServerEvent): void;
  /** A frame carrying this requestId failed validation (already reported on diagnostics$). */
  invalid(frame: Record<string, unknown>, type: unknown, errors: readonly ValidationIssue[]): void;
  /** The connection went away under it. */
  fail(error: SmoothError): void;
}

/** Request ids recently finished, so that stragglers are reported as late rather than unknown. */
const RECENT_LIMIT = 512;
/** One for the process, made on the first binary frame: it keeps no state between calls. */
let decoder: TextDecoder | undefined;

/**
 * The inbound side: every frame decoded, parsed and validated once, then handed in O(1) to the
 * route of its requestId through one Map. Whatever cannot be handed to a caller is reported.
 * `WebSocketSubject.multiplex` is not used: it runs every channel's filter on every frame and
 * sends its unsubscribe message even after a normal completion.
 */
export class Router {
  private readonly routes = new Map<string, Route>();
  /** Pings in flight, oldest first: a pong that echoes no requestId answers the oldest. */
  private readonly pings = new Set<string>();
  private readonly recent = new Set<string>();
  /** Frames received so far, valid or not: the heartbeat's liveness. */
  received = 0;
  /** Frames handed to a route so far: the supervisor's proof that a socket works. */
  delivered = 0;
  constructor(private readonly host: { report(diagnostic: Diagnostic): void }) {}

  private report(diagnostic: Diagnostic): void {
    this.host.report(diagnostic);
  }

  register(requestId: string, route: Route, isPing = false): void {
    this.routes.set(requestId, route);
    if (isPing) this.pings.add(requestId);
  }

  unregister(requestId: string): void {
    if (!this.routes.delete(requestId)) return;
    this.pings.delete(requestId);
    this.recent.add(requestId);
    if (this.recent.size > RECENT_LIMIT) this.recent.delete(this.recent.values().next().value as string);
  }

  /** How many routes wait for an answer. */
  get size(): number {
    return this.routes.size;
  }

  /** Fails every route but those `keep` retains (re-sent on the next socket). */
  failAll(error: SmoothError, keep?: (requestId: string) => boolean): void {
    const failed: Route[] = [];
    for (const [requestId, route] of this.routes) {
      if (keep?.(requestId) === true) continue;
      this.routes.delete(requestId);
      this.pings.delete(requestId);
      failed.push(route);
    }
    for (const route of failed) route.fail(error);
  }

  /** One inbound frame, as the socket delivered it (text, or binary read as UTF-8). */
  receive(data: unknown): void {
    this.received++;
    let text: string;
    if (typeof data === 'string') text = data;
    // Not instanceof: an ArrayBuffer from another realm (iframe, vm) fails it.
    else if (ArrayBuffer.isView(data) || Object.prototype.toString.call(data) === '[object ArrayBuffer]') text = (decoder ??= new TextDecoder()).decode(data as ArrayBuffer);
    else return this.report({ kind: 'unparseable-frame', message: 'a frame that is neither text nor binary', raw: Object.prototype.toString.call(data) });
    let frame: unknown;
    try {
      frame = JSON.parse(text);
    } catch (err) {
      return this.report({ kind: 'unparseable-frame', message: `not JSON: ${(err as Error).message}`, raw: text.slice(0, 2000) });
    }
    // Every frame: a verdict only, no result object. A frame that fails is rare: validateEvent says why.
    if (isValidEvent(frame)) return this.route(frame);
    const result = validateEvent(frame);
    if (result.valid) return this.route(result.value);
    if (result.unknownType) {
      return this.report({ kind: 'unknown-event-type', message: `ignored an event of unknown type ${describeType(frame as Record<string, unknown>)}`, type: result.type, frame });
    }
    // `null`, numbers, arrays are valid JSON too: only an object can name a request.
    const record = typeof frame === 'object' && frame !== null ? (frame as Record<string, unknown>) : undefined;
    const requestId = typeof record?.requestId === 'string' ? record.requestId : undefined;
    this.report({ kind: 'invalid-frame', message: `invalid ${describeType(record)} frame: ${result.errors[0]?.message ?? ''}`, frame, errors: result.errors, requestId });
    if (record !== undefined && requestId !== undefined) this.routes.get(requestId)?.invalid(record, record.type, result.errors);
  }

  private route(event: ServerEvent): void {
    let requestId = event.requestId;
    if (requestId === undefined && event.type === 'pong') requestId = this.pings.values().next().value;
    const route = requestId === undefined ? undefined : this.routes.get(requestId);
    if (route) {
      this.delivered++;
      return route.deliver(event);
    }
    if (requestId !== undefined && this.recent.has(requestId)) {
      return this.report({ kind: 'late-event', message: `${event.type} for ${requestId}, which has ended`, event });
    }
    this.report({ kind: 'unroutable-event', message: `${event.type} for ${requestId ?? 'no requestId'}, which this client is not waiting for`, event });
  }
}

/**
 * The `type` of a frame for a message, never by stringifying what the network sent: an object
 * with a hostile `toString`, or an array nested thousands deep, throws or overflows the stack.
 */
function describeType(record: Record<string, unknown> | undefined): string {
  if (record === undefined) return 'non-object';
  const type = record.type;
  if (typeof type === 'string') return JSON.stringify(type.length > 64 ? `${type.slice(0, 64)}…` : type);
  return type === undefined ? 'untyped' : `${type === null ? 'null' : Array.isArray(type) ? 'array' : typeof type}-typed`;
}
