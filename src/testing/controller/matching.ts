/** How expectations select the actions a client sent, and how they are described in errors. */
import type { ClientAction } from '../../generated/types.js';

/** A field of an action, matched by equality (deep, for objects) or, for strings, by a RegExp. */
export type FieldMatcher<T> = T | (T extends string ? RegExp : never);

/** Fields an action must have (besides `action`), e.g. `{ sessionId: 's1', message: /order/ }`. */
export type ActionFields<A extends ClientAction> = { readonly [K in Exclude<keyof A, 'action'>]?: FieldMatcher<A[K]> };

/** Selects actions of one kind: by fields, or by a predicate. */
export type ActionMatcher<A extends ClientAction> = ActionFields<A> | ((action: A) => boolean);

/** @internal Whether `action` satisfies `matcher` (no matcher: every action). */
export function matches(action: ClientAction, matcher: unknown): boolean {
  if (matcher === undefined || matcher === null) return true;
  if (typeof matcher === 'function') return (matcher as (action: ClientAction) => boolean)(action) === true;
  const fields = action as unknown as Record<string, unknown>;
  return Object.entries(matcher as Record<string, unknown>).every(([key, expected]) => {
    const actual = fields[key];
    if (expected instanceof RegExp) return typeof actual === 'string' && expected.test(actual);
    return deepEqual(actual, expected);
  });
}

/** @internal `expectTurn({ message: 'hi' })`-style description of an expectation. */
export function describeExpectation(method: string, matcher: unknown, ...leading: string[]): string {
  const args = [...leading.map((arg) => JSON.stringify(arg))];
  if (typeof matcher === 'function') args.push(matcher.name !== '' ? matcher.name : 'predicate');
  else if (matcher !== undefined) args.push(format(matcher));
  return `${method}(${args.join(', ')})`;
}

/** @internal `send_message rx-1 { sessionId: "s1", message: "hi" }`: an action in an error message. */
export function describeAction(action: ClientAction): string {
  const { action: name, requestId, ...fields } = action;
  const text = format(fields);
  return `${name} ${requestId} ${text.length > 160 ? `${text.slice(0, 157)}...` : text}`;
}

/** @internal A list of descriptions, one per line, or `(none)`. */
export function bulletList(lines: readonly string[]): string {
  return lines.length === 0 ? '  (none)' : lines.map((line) => `  - ${line}`).join('\n');
}

function format(value: unknown): string {
  if (value instanceof RegExp) return String(value);
  if (Array.isArray(value)) return `[${value.map(format).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return entries.length === 0 ? '{}' : `{ ${entries.map(([k, v]) => `${k}: ${format(v)}`).join(', ')} }`;
  }
  return typeof value === 'function' ? 'predicate' : JSON.stringify(value) ?? String(value);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
