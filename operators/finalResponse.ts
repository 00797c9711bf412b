import { filter, map, take, type OperatorFunction } from 'rxjs';
import type { AgentResponse, Citation, EventualResponseEvent, Usage } from '../src/generated/types.js';
import type { TurnEndEvent, TurnEvent } from '../src/turn/turn-event.js';
import { endsTurn } from '../src/turn/rules.js';

/** The answer of a completed turn, read from its `eventual_response`. */
export interface FinalResponse {
  /** The whole answer: `parts` joined with '\n'. */
  readonly text: string;
  /** `response.responseParts` as received. */
  readonly parts: readonly string[];
  /** The id of the stored agent message, when the server sent one. */
  readonly messageId: string | undefined;
  /** The sources the answer was grounded on; `[]` when none were sent. */
  readonly citations: readonly Citation[];
  /** Model usage summed over the turn, when the server sent it. */
  readonly usage: Usage | undefined;
  /** Whether the agent asks for a human to take over; `false` when not sent. */
  readonly needsEscalation: boolean;
  /** Why escalation is needed; `undefined` when not sent (or `null` on the wire). */
  readonly escalationReason: string | undefined;
  /** A free-form directive for the app; `undefined` when not sent (or `null` on the wire). */
  readonly directive: { readonly [key: string]: unknown } | undefined;
  /** The raw agent response (scores, summary, resolution status, suggested actions). */
  readonly response: AgentResponse;
}

/**
 * The {@link FinalResponse} of an `eventual_response` event: normalises absent or `null` optional
 * fields (`citations` → `[]`, `needsEscalation` → `false`, the rest → `undefined`).
 */
export function finalResponseOf(event: EventualResponseEvent): FinalResponse {
  const result = event.data.data;
  const parts = result.response.responseParts;
  return {
    text: parts.join('\n'),
    parts,
    messageId: result.messageId,
    citations: result.citations ?? [],
    usage: result.usage,
    needsEscalation: result.needsEscalation ?? false,
    escalationReason: result.escalationReason ?? undefined,
    directive: result.directive ?? undefined,
    response: result.response,
  };
}

// Turn streams never emit `error` (it errors the stream), so the ending events are TurnEndEvents.
const isTurnEnd = (event: TurnEvent): event is TurnEndEvent => endsTurn(event.type);

/**
 * @internal The `eventual_response` of the turn, then complete at the turn's end (also on
 * `cancelled`, without a value), unsubscribing from the source.
 */
export function eventualResponse(): OperatorFunction<TurnEvent, EventualResponseEvent> {
  return (source) =>
    source.pipe(
      filter(isTurnEnd),
      take(1),
      filter((event): event is EventualResponseEvent => event.type === 'eventual_response'),
    );
}

/**
 * Emits the turn's answer as a {@link FinalResponse} when its `eventual_response` arrives, then
 * completes.
 *
 * ```
 * source:  --a--t--t--e--|          e: eventual_response      x: finalResponseOf(e)
 *              finalResponse()
 * result:  -----------(x|)
 *
 * source:  --a--t--k--|             k: cancelled
 *              finalResponse()
 * result:  -----------|
 * ```
 *
 * Completes at the turn's end and unsubscribes from the source then: with the response after
 * `eventual_response`, without a value after `cancelled` (a user stop is not a failure), or when
 * the source completes first. Errors before the end pass through.
 *
 * @example
 * ```ts
 * const answer = await lastValueFrom(turn$.pipe(finalResponse()), { defaultValue: undefined });
 * if (answer?.needsEscalation) handOver(answer.escalationReason);
 * ```
 *
 * @returns An operator emitting at most one `FinalResponse`.
 */
export function finalResponse(): OperatorFunction<TurnEvent, FinalResponse> {
  return (source) => source.pipe(eventualResponse(), map(finalResponseOf));
}
