import { actionValidators } from '../generated/validators/actions.js';
import { eventValidators } from '../generated/validators/events.js';
import type { ClientAction, ServerEvent } from '../generated/types.js';
import type { CompiledValidator, CompiledValidatorError } from './compiled.js';

/** Why a frame was rejected: where (a JSON Pointer into the frame) and which schema rule. */
export interface ValidationIssue {
  /** JSON Pointer of the offending value, `''` for the frame itself, e.g. `/data/data/toolId`. */
  readonly path: string;
  /** The JSON Schema keyword that failed: `required`, `type`, `const`, `minLength`, ... */
  readonly rule: string;
  /** Human-readable, e.g. `/token must be string`. */
  readonly message: string;
}

/** The frame matched its message's schema; `value` is the same object, now typed. */
export interface ValidFrame<T> {
  readonly valid: true;
  readonly value: T;
}

/** The frame is not a valid instance of the message its `type` / `action` names. */
export interface InvalidFrame {
  readonly valid: false;
  readonly unknownType: false;
  readonly errors: readonly ValidationIssue[];
}

/**
 * The frame names a `type` / `action` this client does not know. Not a schema error: servers add
 * event types over time, and such frames are to be reported and ignored.
 */
export interface UnknownFrameType {
  readonly valid: false;
  readonly unknownType: true;
  /** The unrecognised `type` (events) or `action` (actions). */
  readonly type: string;
}

export type ValidationResult<T> = ValidFrame<T> | InvalidFrame | UnknownFrameType;

/**
 * Checks a parsed server frame against the schema of the event its `type` names (one compiled
 * validator per type; never a `oneOf` over all events).
 *
 * @example
 * const result = validateEvent(JSON.parse(text));
 * if (result.valid) route(result.value);
 * else if (result.unknownType) report(`ignored event type ${result.type}`);
 * else report(result.errors[0].message);
 */
export function validateEvent(frame: unknown): ValidationResult<ServerEvent> {
  return validateDiscriminated<ServerEvent>(frame, 'type', eventValidators);
}

/**
 * @internal The client's check of every frame: whether it is a valid event, with no result object
 * to allocate (per event); {@link validateEvent} then says why one is not.
 */
export function isValidEvent(frame: unknown): frame is ServerEvent {
  if (typeof frame !== 'object' || frame === null) return false;
  // An array has no `type` to find a validator by; a Map is not fooled by "__proto__".
  const validator = eventValidators.get((frame as Record<string, unknown>).type as string);
  return validator !== undefined && validator(frame);
}

/** Checks a client frame against the schema of the action its `action` names. */
export function validateAction(frame: unknown): ValidationResult<ClientAction> {
  return validateDiscriminated<ClientAction>(frame, 'action', actionValidators);
}

function validateDiscriminated<T>(
  frame: unknown,
  key: 'type' | 'action',
  validators: ReadonlyMap<string, CompiledValidator>,
): ValidationResult<T> {
  if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) {
    return invalid('', 'type', 'frame must be a JSON object');
  }
  const name = (frame as Record<string, unknown>)[key];
  if (typeof name !== 'string') {
    return name === undefined
      ? invalid('', 'required', `frame must have required property '${key}'`)
      : invalid(`/${key}`, 'type', `/${key} must be string`);
  }
  const validator = validators.get(name);
  if (validator === undefined) return { valid: false, unknownType: true, type: name };
  return validateWith<T>(validator, frame);
}

/** Runs one compiled validator and shapes its verdict as a ValidationResult. */
export function validateWith<T>(validator: CompiledValidator, value: unknown): ValidFrame<T> | InvalidFrame {
  if (validator(value)) return { valid: true, value: value as T };
  return { valid: false, unknownType: false, errors: (validator.errors ?? []).map(toIssue) };
}

function toIssue(error: CompiledValidatorError): ValidationIssue {
  const where = error.instancePath === '' ? 'frame' : error.instancePath;
  const missing = error.keyword === 'required' ? error.params.missingProperty : undefined;
  // ajv reports a missing property at its parent; name the property itself, which is where a
  // reader looks.
  const path = typeof missing === 'string' ? `${error.instancePath}/${missing}` : error.instancePath;
  return { path, rule: error.keyword, message: `${where} ${describe(error.keyword, error.params)}` };
}

/** What the rule demands, from the keyword and its params (the validators carry no message text). */
function describe(keyword: string, params: Record<string, unknown>): string {
  switch (keyword) {
    case 'required':
      return `must have required property '${String(params.missingProperty)}'`;
    case 'additionalProperties':
      return `must NOT have additional property '${String(params.additionalProperty)}'`;
    case 'type':
      return `must be ${String(params.type)}`;
    case 'const':
      return `must be ${JSON.stringify(params.allowedValue)}`;
    case 'enum':
      return `must be one of ${JSON.stringify(params.allowedValues)}`;
    case 'minLength':
      return `must NOT have fewer than ${String(params.limit)} characters`;
    case 'maxLength':
      return `must NOT have more than ${String(params.limit)} characters`;
    case 'minItems':
      return `must NOT have fewer than ${String(params.limit)} items`;
    case 'maxItems':
      return `must NOT have more than ${String(params.limit)} items`;
    case 'minimum':
    case 'maximum':
      return `must be ${String(params.comparison)} ${String(params.limit)}`;
    case 'pattern':
      return `must match pattern "${String(params.pattern)}"`;
    case 'if':
      return `must match "${String(params.failingKeyword)}" schema`;
    default:
      return `fails ${keyword} ${JSON.stringify(params)}`;
  }
}

function invalid(path: string, rule: string, message: string): InvalidFrame {
  return { valid: false, unknownType: false, errors: [{ path, rule, message }] };
}
