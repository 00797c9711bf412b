import { mergeMap, scan, type OperatorFunction } from 'rxjs';
import type { StreamChunkEvent, ToolCall, ToolResult } from '../src/generated/types.js';
import type { TurnEvent } from '../src/turn/turn-event.js';

/** One tool the agent ran during a turn: its call and, once it ran, its result. */
export interface ToolActivity {
  /** The tool's name (`toolCall.name`, or `toolResult.name` for a result without a call). */
  readonly name: string;
  /** The graph node that reported it: the chunk's `node`, which servers set to the tool name. */
  readonly node: string;
  /**
   * What the model asked for. The result's update carries the very same object, so it
   * identifies the call across emissions. For a result that came without a call: `{ name }`.
   */
  readonly call: ToolCall;
  /** The tool's output, once it ran (or was denied by a human: `isError: true`). */
  readonly result?: ToolResult;
  /** `running` until the result arrives; then `failed` when `result.isError`, else `succeeded`. */
  readonly status: 'running' | 'succeeded' | 'failed';
}

/** @internal The activities after a chunk, and the ones the chunk started or updated (in order). */
export interface ToolActivityStep {
  readonly activities: readonly ToolActivity[];
  readonly changed: readonly ToolActivity[];
}

const nodeOf = (event: StreamChunkEvent, fallback: string): string => event.node ?? event.data.node ?? fallback;

/**
 * @internal Applies a `stream_chunk` to the turn's tool activities (in call order): a `toolCall`
 * appends a running activity; a `toolResult` completes the oldest running activity of the same
 * name (a new object in its place), or is appended as a completed activity when no call is
 * running. Other events change nothing.
 */
export function toolActivitiesAfter(activities: readonly ToolActivity[], event: TurnEvent): ToolActivityStep {
  if (event.type !== 'stream_chunk') return { activities, changed: [] };
  const raw = event.data.state?.rawResponse;
  let next = activities;
  const changed: ToolActivity[] = [];
  if (raw?.toolCall) {
    const call = raw.toolCall;
    const started: ToolActivity = { name: call.name, node: nodeOf(event, call.name), call, status: 'running' };
    next = [...next, started];
    changed.push(started);
  }
  if (raw?.toolResult) {
    const result = raw.toolResult;
    const status = result.isError ? 'failed' : 'succeeded';
    const index = next.findIndex((activity) => activity.status === 'running' && activity.name === result.name);
    if (index >= 0) {
      const finished: ToolActivity = { ...next[index]!, result, status };
      next = next.map((activity, i) => (i === index ? finished : activity));
      changed.push(finished);
    } else {
      const orphan: ToolActivity = { name: result.name, node: nodeOf(event, result.name), call: { name: result.name }, result, status };
      next = [...next, orphan];
      changed.push(orphan);
    }
  }
  return { activities: next, changed };
}

const NONE: ToolActivityStep = { activities: [], changed: [] };

/**
 * Emits the tools the agent runs: a {@link ToolActivity} when a call starts (`running`), and an
 * updated one when its result arrives (`succeeded` / `failed`).
 *
 * ```
 * source:  --a--c------r--t--e--|   c: stream_chunk toolCall {name: 'lookup_order', arguments: {id: '123'}}
 *              toolActivity()       r: stream_chunk toolResult {name: 'lookup_order', isError: false, …}
 * result:  -----x------y--------|   x: {name: 'lookup_order', call, status: 'running'}
 *                                   y: {name: 'lookup_order', call, result, status: 'succeeded'}
 * ```
 *
 * Tool activity rides on `stream_chunk` events (`data.state.rawResponse.toolCall`, later
 * `.toolResult`). A result is paired with the oldest running call of the same name; the update is
 * a new object carrying the same `call` object. A result with no running call is still reported
 * (with `call: { name }`). A denied write confirmation yields a `failed` activity. Errors and
 * completion pass through unchanged.
 *
 * @example
 * ```ts
 * turn$.pipe(toolActivity()).subscribe(({ name, status }) => console.log(`${name}: ${status}`));
 * // lookup_order: running
 * // lookup_order: succeeded
 * ```
 *
 * @returns An operator emitting each started and each finished tool call.
 */
export function toolActivity(): OperatorFunction<TurnEvent, ToolActivity> {
  return (source) =>
    source.pipe(
      scan((step: ToolActivityStep, event: TurnEvent) => toolActivitiesAfter(step.activities, event), NONE),
      mergeMap((step) => step.changed),
    );
}
