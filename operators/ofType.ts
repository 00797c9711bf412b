import { filter, type OperatorFunction } from 'rxjs';

/**
 * The members of the event union `E` whose `type` is one of `K`. When no member matches
 * literally (`E` types `type` as a plain `string`, like a generic `{ type: string }` action),
 * it is `E` with `type` narrowed to `K`.
 */
export type EventOfType<E extends { type: string }, K extends string> =
  [Extract<E, { type: K }>] extends [never] ? E & { type: K } : Extract<E, { type: K }>;

/**
 * Lets through only the events of the given types, narrowed to those events.
 *
 * <span class="informal">Like `filter((e) => e.type === 'stream_token')`, but for one or more
 * types, and the result is typed as exactly those events.</span>
 *
 * ```
 * source:  --a--t--c--r--t--e--|        a: immediate_response  t: stream_token
 *              ofType('stream_token', 'stream_reasoning')   r: stream_reasoning
 * result:  -----t-----r--t-----|        c: stream_chunk        e: eventual_response
 * ```
 *
 * Works on any stream of `{ type: string }` objects: a turn stream (`TurnEvent`), every event of
 * a connection (`ServerEvent`), or your own union. The types are checked against the source's
 * union: an unknown type, or none at all, is a compile error. Errors and completion pass through
 * unchanged.
 *
 * @example
 * ```ts
 * client.turn({ sessionId, message: 'hi there' }).pipe(
 *   ofType('stream_token', 'stream_reasoning'),
 * ); // Observable<StreamTokenEvent | StreamReasoningEvent>
 * ```
 *
 * @param types One or more event types to let through.
 * @returns An operator emitting the source's events of those types, in order.
 */
export function ofType<E extends { type: string }, K extends E['type']>(
  ...types: [K, ...K[]]
): OperatorFunction<E, EventOfType<E, K>> {
  const wanted: ReadonlySet<string> = new Set<string>(types);
  return filter((event: E): event is EventOfType<E, K> => wanted.has(event.type));
}
