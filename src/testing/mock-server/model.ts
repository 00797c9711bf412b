/** The scripted model: one output per call, in order, shared by the whole server. */
import type { MockModelOutput } from './options.js';

export class ScriptedModel {
  private next = 0;

  constructor(private readonly script: readonly MockModelOutput[]) {}

  /** The next output; empty text once the script is exhausted. */
  call(): MockModelOutput {
    const output = this.script[this.next];
    if (output === undefined) return { kind: 'text', text: '' };
    this.next += 1;
    return output;
  }

  /** Entries not yet consumed. */
  get remaining(): number {
    return this.script.length - this.next;
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
