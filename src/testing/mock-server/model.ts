/** The scripted model: one output per call, in order; each conversation plays the script from its start. */
import type { MockModelOutput } from './options.js';

/** Where a conversation is in the script. */
export interface ScriptCursor {
  scriptPosition: number;
}

export class ScriptedModel {
  constructor(private readonly script: readonly MockModelOutput[]) {}

  /** The conversation's next output; empty text once it has played the whole script. */
  call(cursor: ScriptCursor): MockModelOutput {
    const output = this.script[cursor.scriptPosition];
    if (output === undefined) return { kind: 'text', text: '' };
    cursor.scriptPosition += 1;
    return output;
  }
}

/** Parses a tool call's JSON arguments; an error message unless they are a JSON object. */
export function parseToolArguments(json: string): Record<string, unknown> | string {
  if (json.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return 'arguments are not valid JSON';
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return 'arguments must be a JSON object';
  return parsed as Record<string, unknown>;
}
