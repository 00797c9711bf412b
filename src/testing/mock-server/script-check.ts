/**
 * Checks a mock server's script when the server starts: a wrong shape would otherwise become a
 * tool error inside a turn that still ends normally, and the test that scripted it would read it
 * as the agent's behaviour.
 */
import { parseRaiseArguments, raiseToolKind } from './interactions.js';
import { parseToolArguments } from './model.js';
import type { MockModelOutput, MockTool } from './options.js';

/** `startMockServer` refused its script; `step` is the index of the first wrong entry. */
export class MockScriptError extends Error {
  override readonly name = 'MockScriptError';
  readonly code = 'INVALID_SCRIPT';

  constructor(
    readonly step: number,
    detail: string,
  ) {
    super(`startMockServer: script[${step}] ${detail}`);
  }
}

/** @throws MockScriptError naming the first entry that a scripted model could not produce. */
export function checkScript(script: readonly MockModelOutput[], tools: ReadonlyMap<string, MockTool>): void {
  script.forEach((output, step) => {
    const entry = output as unknown as Partial<Record<string, unknown>> | null;
    if (typeof entry !== 'object' || entry === null) throw new MockScriptError(step, `is ${JSON.stringify(entry)}: an entry is { kind: 'text', text } or { kind: 'toolCall', name, arguments }`);
    if (entry.kind === 'text') {
      if (typeof entry.text !== 'string') throw new MockScriptError(step, "(text): 'text' must be a string");
      if (entry.declined !== undefined && typeof entry.declined !== 'string') throw new MockScriptError(step, "(text): 'declined' must be a string");
      return;
    }
    if (entry.kind !== 'toolCall') throw new MockScriptError(step, `has kind ${JSON.stringify(entry.kind)}: it is 'text' or 'toolCall'`);
    const name = entry.name;
    if (typeof name !== 'string') throw new MockScriptError(step, "(toolCall): 'name' must be a string");
    const what = `(toolCall ${name})`;
    if (typeof entry.arguments !== 'string') throw new MockScriptError(step, `${what}: 'arguments' must be the JSON text of an object, e.g. '{"id":"123"}'`);
    const args = parseToolArguments(entry.arguments);
    if (typeof args === 'string') throw new MockScriptError(step, `${what}: ${args}: ${entry.arguments}`);
    const raise = raiseToolKind(name);
    if (raise !== undefined) {
      const parts = parseRaiseArguments(raise.kind, args);
      if (typeof parts === 'string') throw new MockScriptError(step, `${what}: ${parts}; its arguments are ${RAISE_SHAPES[raise.kind]}`);
      return;
    }
    if (!tools.has(name)) {
      const known = [...tools.keys(), 'request_identity_intake', 'request_choices'].join(', ');
      throw new MockScriptError(step, `${what}: no such tool (known: ${known}); list it in the 'tools' option`);
    }
  });
}

/**
 * @throws RangeError when an entry of a tool list option (`confirmTools`, `otp.tools`) names no
 * tool: a typo would leave the tool ungated, and a test of the gate would pass without it.
 */
export function checkToolNames(option: string, names: readonly string[], tools: ReadonlyMap<string, MockTool>): void {
  const unknown = names.filter((name) => !tools.has(name));
  if (unknown.length > 0) {
    throw new RangeError(`startMockServer: ${option} names no such tool: ${unknown.join(', ')} (known: ${[...tools.keys()].join(', ') || 'none'}); list it in the 'tools' option`);
  }
}

/** Faults a server knows; a key renamed since maps to its new name. */
const FAULT_KEYS: ReadonlySet<string> = new Set(['dropAtEvent', 'malformedFrameAfterEvents', 'turns']);
const RENAMED_FAULTS: Readonly<Record<string, string>> = { dropAfterEvents: 'dropAtEvent' };

/** @throws RangeError on a fault the server does not know: ignored, a resilience test would pass with no fault at all. */
export function checkFaultKeys(faults: object): void {
  for (const key of Object.keys(faults)) {
    if (FAULT_KEYS.has(key)) continue;
    const renamed = Object.hasOwn(RENAMED_FAULTS, key) ? `: it was renamed faults.${RENAMED_FAULTS[key] ?? ''}` : '';
    throw new RangeError(`startMockServer: unknown fault faults.${key}${renamed} (known: ${[...FAULT_KEYS].join(', ')})`);
  }
}

const RAISE_SHAPES = {
  identity_intake: "{ fields: [{ key: 'name' | 'email' | 'phone', required?, label? }, ...], reason? }",
  choices: '{ questions: [{ question, header (≤ 12 chars, unique), options: [{ label, description? }] (2–4), multiSelect? }] (1–4), reason? }',
} as const;
