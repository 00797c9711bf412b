/**
 * The Rich Interaction kinds of the mock server: the built-in raise tools, their specs, and the
 * server-side validation (and normalisation) of submitted values.
 */
import type { ChoicesSpec, IdentityIntakeSpec, InteractionFieldError } from '../../generated/types.js';
import { objectValidators } from '../../generated/validators/index.js';
import { validateWith } from '../../validation/validate.js';

export type InteractionKind = 'identity_intake' | 'choices';

interface KindInfo {
  readonly kind: InteractionKind;
  /** The `supports` entry a session must declare for the kind to be raised. */
  readonly capability: string;
}

const RAISE_TOOLS: ReadonlyMap<string, KindInfo> = new Map([
  ['request_identity_intake', { kind: 'identity_intake', capability: 'identity_form' }],
  ['request_choices', { kind: 'choices', capability: 'choice_chips' }],
]);

/** The kind a built-in raise tool asks for, or undefined for any other tool. */
export function raiseToolKind(toolName: string): KindInfo | undefined {
  return RAISE_TOOLS.get(toolName);
}

export interface InteractionRequestParts {
  readonly spec: Record<string, unknown>;
  readonly reason?: string;
}

/** Splits raise-tool arguments into the kind's spec and the reason; an error message when the spec is invalid. */
export function parseRaiseArguments(kind: InteractionKind, args: Record<string, unknown>): InteractionRequestParts | string {
  const { reason, ...spec } = args;
  const validator = kind === 'identity_intake' ? objectValidators.IdentityIntakeSpec : objectValidators.ChoicesSpec;
  const verdict = validateWith(validator, spec);
  if (!verdict.valid) return `invalid ${kind} spec: ${verdict.errors[0]?.message ?? 'rejected'}`;
  if (kind === 'choices') {
    const headers = (spec as unknown as ChoicesSpec).questions.map((q) => q.header);
    if (new Set(headers).size !== headers.length) return 'invalid choices spec: question headers must be unique';
  }
  return typeof reason === 'string' ? { spec, reason } : { spec };
}

/** Tool result of a raise tool on a session without the capability: ask in plain conversation. */
export function conversationalResult(kind: InteractionKind, parts: InteractionRequestParts): string {
  return JSON.stringify({
    mode: 'conversational',
    kind,
    spec: parts.spec,
    reason: parts.reason ?? '',
    instructions:
      kind === 'identity_intake'
        ? 'The client cannot render a form: ask the user for these details in plain conversation.'
        : 'The client cannot render choice chips: ask the user these questions in plain conversation.',
  });
}

export function submittedResult(values: Record<string, unknown>): string {
  return JSON.stringify({ status: 'submitted', values });
}

export function declinedResult(): string {
  return JSON.stringify({ status: 'declined', message: 'The user declined to provide this information.' });
}

export type ValuesVerdict =
  | { readonly ok: true; readonly values: Record<string, unknown> }
  | { readonly ok: false; readonly errors: InteractionFieldError[] };

/** Validates submitted values against the parked interaction's spec; normalises them when valid. */
export function validateValues(kind: InteractionKind, spec: Record<string, unknown>, values: Record<string, unknown>): ValuesVerdict {
  return kind === 'identity_intake'
    ? validateIdentity(spec as unknown as IdentityIntakeSpec, values)
    : validateChoices(spec as unknown as ChoicesSpec, values);
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function validateIdentity(spec: IdentityIntakeSpec, values: Record<string, unknown>): ValuesVerdict {
  const errors: InteractionFieldError[] = [];
  const normalised: Record<string, unknown> = {};
  for (const field of spec.fields) {
    const raw = values[field.key];
    if (raw !== undefined && raw !== null && typeof raw !== 'string') {
      errors.push({ field: field.key, message: 'Must be text.' });
      continue;
    }
    const value = (raw ?? '').trim();
    if (value === '') {
      if (field.required === true) errors.push({ field: field.key, message: 'This field is required.' });
      continue;
    }
    if (field.key === 'email') {
      if (EMAIL.test(value)) normalised.email = value;
      else errors.push({ field: 'email', message: 'must be a valid email address' });
    } else if (field.key === 'phone') {
      const phone = normalisePhone(value);
      if (phone !== undefined) normalised.phone = phone;
      else errors.push({ field: 'phone', message: 'Enter a valid phone number in international format, e.g. +14155550123.' });
    } else {
      normalised[field.key] = value;
    }
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, values: normalised };
}

/** E.164: `+` and 8 to 15 digits; spaces, dots, dashes and parentheses dropped, `00` read as `+`. */
export function normalisePhone(input: string): string | undefined {
  let compact = input.replace(/[\s().-]/g, '');
  if (compact.startsWith('00')) compact = `+${compact.slice(2)}`;
  const digits = compact.startsWith('+') ? compact.slice(1) : compact;
  return /^[1-9]\d{7,14}$/.test(digits) ? `+${digits}` : undefined;
}

function validateChoices(spec: ChoicesSpec, values: Record<string, unknown>): ValuesVerdict {
  const answers = values.answers;
  if (!Array.isArray(answers)) return { ok: false, errors: [{ field: 'answers', message: 'Answers must be a list.' }] };
  const errors: InteractionFieldError[] = [];
  const byHeader = new Map<string, Record<string, unknown>>();
  answers.forEach((answer: unknown, i) => {
    if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) {
      errors.push({ field: `answers[${i}]`, message: 'An answer must be an object.' });
      return;
    }
    const record = answer as Record<string, unknown>;
    const header = record.header;
    const question = spec.questions.find((q) => q.header === header);
    if (typeof header !== 'string') {
      // Not String(header): a client-sent object can make that throw.
      errors.push({ field: `answers[${i}].header`, message: 'The header must be the text of a question header.' });
      return;
    }
    if (question === undefined) {
      errors.push({ field: `answers[${i}].header`, message: `'${header}' is not a question of this interaction.` });
      return;
    }
    if (byHeader.has(header)) {
      errors.push({ field: header, message: 'This question is answered more than once.' });
      return;
    }
    const options = record.options ?? [];
    const other = record.other;
    if (!Array.isArray(options) || options.some((o) => typeof o !== 'string')) {
      errors.push({ field: header, message: 'Options must be a list of option labels.' });
      return;
    }
    if (other !== undefined && typeof other !== 'string') {
      errors.push({ field: header, message: "'other' must be text." });
      return;
    }
    const labels = new Set(question.options.map((o) => o.label));
    const unknown = (options as string[]).filter((o) => !labels.has(o));
    if (unknown.length > 0) errors.push({ field: header, message: `'${unknown[0]}' is not an option of this question.` });
    else if (options.length > 1 && question.multiSelect !== true) errors.push({ field: header, message: 'Choose only one option.' });
    byHeader.set(header, record);
  });
  const normalised: Record<string, unknown>[] = [];
  for (const question of spec.questions) {
    const answer = byHeader.get(question.header);
    const options = (answer?.options ?? []) as string[];
    const other = typeof answer?.other === 'string' ? answer.other.trim() : '';
    if (options.length === 0 && other === '') {
      if (!errors.some((e) => e.field === question.header)) errors.push({ field: question.header, message: 'Please answer this question.' });
      continue;
    }
    const entry: Record<string, unknown> = { header: question.header };
    if (options.length > 0) entry.options = [...new Set(options)];
    if (other !== '') entry.other = other;
    normalised.push(entry);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, values: { answers: normalised } };
}
