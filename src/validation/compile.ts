/**
 * Turns a schema description (src/generated/validators/validators.ts, written by codegen from
 * spec/) into a validator, once at module load, out of closures: no `new Function`, which pages
 * with a strict content-security policy forbid, and no ajv at run time.
 *
 * A validator decides what ajv (draft 2020-12, `allErrors: false`, formats off, strict numbers)
 * decides for the same schema and reports the same first error (instancePath, keyword, params):
 * it checks keywords in ajv's order, because the first failure is the one reported. The proof is
 * test/spec/validators-equivalence.test.ts, against the full schemas compiled by ajv.
 */
import type { CompiledValidator, CompiledValidatorError } from './compiled.js';
import { ucs2length } from './ucs2length.js';

type JsonType = 'null' | 'boolean' | 'number' | 'integer' | 'string' | 'array' | 'object';
type Scalar = string | number | boolean | null;

/**
 * The subset of JSON Schema the spec uses, as codegen leaves it: no annotations, no keyword
 * that decides nothing (`format` with formats off, `additionalProperties: true`), and each `$ref`
 * replaced by the description it names.
 */
export interface SchemaDescription {
  type?: JsonType | JsonType[];
  const?: Scalar;
  enum?: Scalar[];
  allOf?: SchemaDescription[];
  if?: SchemaDescription;
  then?: SchemaDescription;
  else?: SchemaDescription;
  maximum?: number;
  minimum?: number;
  maxLength?: number;
  minLength?: number;
  pattern?: string;
  maxItems?: number;
  minItems?: number;
  items?: SchemaDescription;
  required?: string[];
  additionalProperties?: false;
  properties?: Record<string, SchemaDescription>;
}

/**
 * True when the value passes. On false, `failure` holds the error, its instancePath relative to
 * the value checked: each level adds its own segment on the way out, so a passing value (nearly
 * every frame) builds no path and allocates nothing.
 */
type Check = (data: unknown) => boolean;
type Obj = Record<string, unknown>;

let failure: CompiledValidatorError = { instancePath: '', keyword: '', params: {} };

function fail(keyword: string, params: Record<string, unknown>): false {
  failure = { instancePath: '', keyword, params };
  return false;
}

function under(segment: string): false {
  failure.instancePath = segment + failure.instancePath;
  return false;
}

const isObject = (d: unknown): boolean => typeof d === 'object' && d !== null && !Array.isArray(d);

/** ajv's type tests with strict numbers: NaN and ±Infinity are not numbers. */
const IS: Record<JsonType, (d: unknown) => boolean> = {
  null: (d) => d === null,
  boolean: (d) => typeof d === 'boolean',
  string: (d) => typeof d === 'string',
  number: Number.isFinite,
  integer: Number.isInteger,
  array: Array.isArray,
  object: isObject,
};

/**
 * Every keyword but `type`, grouped as ajv runs them: first those that apply to any value, then
 * those that apply to one type only (skipped for a value of another type), each group in ajv's
 * keyword order.
 */
const GROUPS = ['number', 'string', 'array', 'object'] as const;
type Group = (typeof GROUPS)[number];

export function compile(schema: SchemaDescription): CompiledValidator {
  const check = compileCheck(schema);
  const validator: CompiledValidator = (data: unknown): boolean => {
    if (check === undefined || check(data)) {
      validator.errors = null;
      return true;
    }
    validator.errors = [failure];
    return false;
  };
  return validator;
}

/** undefined when the schema accepts every value. */
function compileCheck(s: SchemaDescription): Check | undefined {
  const checks: Check[] = [];
  const byGroup: Record<Group, Check[]> = { number: numberChecks(s), string: stringChecks(s), array: arrayChecks(s), object: objectChecks(s) };
  const types = s.type === undefined ? [] : Array.isArray(s.type) ? s.type : [s.type];
  const single = types.length === 1 ? types[0] : undefined;
  // ajv tests a lone type inside its own group when the schema has keywords of that group (the
  // type error then comes after const/enum/allOf/if), else before every keyword. `integer` has
  // no group of its own: it is always tested first.
  const typeInGroup = single !== undefined && (GROUPS as readonly string[]).includes(single) && byGroup[single as Group].length > 0;
  if (types.length > 0 && !typeInGroup) {
    const tests = types.map((t) => IS[t]);
    const is = tests.length === 1 ? (tests[0] as (d: unknown) => boolean) : (d: unknown) => tests.some((test) => test(d));
    checks.push((d) => is(d) || fail('type', { type: s.type }));
  }
  if (s.const !== undefined) {
    const allowedValue = s.const;
    checks.push((d) => d === allowedValue || fail('const', { allowedValue }));
  }
  if (s.enum !== undefined) {
    const allowedValues = s.enum;
    checks.push((d) => allowedValues.includes(d as Scalar) || fail('enum', { allowedValues }));
  }
  for (const sub of s.allOf ?? []) {
    const check = compileCheck(sub);
    if (check !== undefined) checks.push(check);
  }
  if (s.if !== undefined && (s.then !== undefined || s.else !== undefined)) {
    // The `if` schema only decides which branch applies: its own errors are never reported.
    const probe = compileCheck(s.if);
    const then = s.then === undefined ? undefined : compileCheck(s.then);
    const otherwise = s.else === undefined ? undefined : compileCheck(s.else);
    checks.push((d) => (probe === undefined || probe(d) ? then === undefined || then(d) : otherwise === undefined || otherwise(d)));
  }
  for (const group of GROUPS) {
    const body = all(byGroup[group]);
    if (body === undefined) continue;
    const is = IS[group];
    checks.push(group === single && typeInGroup ? (d) => (is(d) ? body(d) : fail('type', { type: s.type })) : (d) => !is(d) || body(d));
  }
  return all(checks);
}

function all(checks: Check[]): Check | undefined {
  if (checks.length <= 1) return checks[0];
  if (checks.length === 2) {
    const [a, b] = checks as [Check, Check];
    return (d) => a(d) && b(d);
  }
  return (d) => {
    for (let i = 0; i < checks.length; i++) if (!(checks[i] as Check)(d)) return false;
    return true;
  };
}

function numberChecks(s: SchemaDescription): Check[] {
  const checks: Check[] = [];
  const { maximum, minimum } = s;
  if (maximum !== undefined) checks.push((d) => (d as number) <= maximum || fail('maximum', { comparison: '<=', limit: maximum }));
  if (minimum !== undefined) checks.push((d) => (d as number) >= minimum || fail('minimum', { comparison: '>=', limit: minimum }));
  return checks;
}

function stringChecks(s: SchemaDescription): Check[] {
  const checks: Check[] = [];
  const { maxLength, minLength, pattern } = s;
  // Lengths count code points; a string has between length/2 and length of them, so the count
  // is needed only near the limit.
  if (maxLength !== undefined) {
    checks.push((d) => {
      const str = d as string;
      return str.length <= maxLength || ucs2length(str) <= maxLength || fail('maxLength', { limit: maxLength });
    });
  }
  if (minLength !== undefined) {
    checks.push((d) => {
      const str = d as string;
      return str.length >= 2 * minLength || (str.length >= minLength && ucs2length(str) >= minLength) || fail('minLength', { limit: minLength });
    });
  }
  if (pattern !== undefined) {
    const regex = new RegExp(pattern, 'u');
    checks.push((d) => regex.test(d as string) || fail('pattern', { pattern }));
  }
  return checks;
}

function arrayChecks(s: SchemaDescription): Check[] {
  const checks: Check[] = [];
  const { maxItems, minItems } = s;
  if (maxItems !== undefined) checks.push((d) => (d as unknown[]).length <= maxItems || fail('maxItems', { limit: maxItems }));
  if (minItems !== undefined) checks.push((d) => (d as unknown[]).length >= minItems || fail('minItems', { limit: minItems }));
  const item = s.items === undefined ? undefined : compileCheck(s.items);
  if (item !== undefined) {
    checks.push((d) => {
      const array = d as unknown[];
      for (let i = 0; i < array.length; i++) if (!item(array[i])) return under(`/${i}`);
      return true;
    });
  }
  return checks;
}

function objectChecks(s: SchemaDescription): Check[] {
  const checks: Check[] = [];
  const required = s.required;
  if (required !== undefined && required.length > 0) {
    checks.push((d) => {
      // Read as ajv reads it: a property that is undefined, or absent, is missing.
      for (let i = 0; i < required.length; i++) {
        const key = required[i] as string;
        if ((d as Obj)[key] === undefined) return fail('required', { missingProperty: key });
      }
      return true;
    });
  }
  const properties = s.properties ?? {};
  if (s.additionalProperties === false) {
    const known = new Set(Object.keys(properties));
    checks.push((d) => {
      for (const key in d as Obj) if (!known.has(key)) return fail('additionalProperties', { additionalProperty: key });
      return true;
    });
  }
  const keys: string[] = [];
  const segments: string[] = [];
  const values: Check[] = [];
  for (const [key, sub] of Object.entries(properties)) {
    const check = compileCheck(sub);
    if (check === undefined) continue;
    keys.push(key);
    segments.push(`/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`);
    values.push(check);
  }
  if (keys.length > 0) {
    checks.push((d) => {
      for (let i = 0; i < keys.length; i++) {
        const value = (d as Obj)[keys[i] as string];
        if (value !== undefined && !(values[i] as Check)(value)) return under(segments[i] as string);
      }
      return true;
    });
  }
  return checks;
}
