import type { ServerEvent } from '../generated/types.js';
import type { ValidationIssue } from '../validation/validate.js';

/**
 * Something the client received and could not hand to a caller as-is. Nothing from the network
 * is dropped without one of these on `client.diagnostics$`.
 */
export type Diagnostic =
  /** Not JSON (or binary that is not UTF-8 JSON). */
  | { readonly kind: 'unparseable-frame'; readonly message: string; readonly raw: string }
  /** JSON that fails its event's schema. If it would have ended a live request or turn, that caller errors too. */
  | { readonly kind: 'invalid-frame'; readonly message: string; readonly frame: unknown; readonly errors: readonly ValidationIssue[]; readonly requestId: string | undefined }
  /** An event type this client does not know (servers add types over time): ignored. */
  | { readonly kind: 'unknown-event-type'; readonly message: string; readonly type: string; readonly frame: unknown }
  /** A valid event whose requestId matches nothing this client sent (or none, for an unattributable error). */
  | { readonly kind: 'unroutable-event'; readonly message: string; readonly event: ServerEvent }
  /** An event for a request or turn that has already ended. */
  | { readonly kind: 'late-event'; readonly message: string; readonly event: ServerEvent }
  /** An event on a live request that is not an answer to it (e.g. a stream_token on a get_session). */
  | { readonly kind: 'unexpected-event'; readonly message: string; readonly event: ServerEvent; readonly requestId: string }
  /**
   * A resume (`confirm`, `submitInteraction`) refused (NO_PENDING_…, INTERACTION_MISMATCH) after
   * its ask had been resolved without it, e.g. the server resumed the park by itself. The resume's
   * Observable errors too; the turn goes on.
   */
  | { readonly kind: 'moot-answer'; readonly message: string; readonly event: ServerEvent; readonly requestId: string };

export type DiagnosticKind = Diagnostic['kind'];
