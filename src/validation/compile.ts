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
  /** The values of `properties`' keys in `data`, in that order (written by codegen beside `properties`). */
  read?: (data: Obj) => unknown[];
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

/**
 * Every keyword but `type`, grouped as ajv runs them: first those that apply to any value, then
 * those that apply to one type only (skipped for a value of another type), each group in ajv's
 * keyword order.
 */
const GROUPS = ['number', 'string', 'array', 'object'] as const;
type Group = (typeof GROUPS)[number];
const KEYWORDS: Record<Group, (keyof SchemaDescription)[]> = {
  number: ['maximum', 'minimum'],
  string: ['maxLength', 'minLength', 'pattern'],
  array: ['maxItems', 'minItems', 'items'],
  object: ['required', 'additionalProperties', 'properties'],
};

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
  const types = s.type === undefined ? [] : Array.isArray(s.type) ? s.type : [s.type];
  const single = types.length === 1 ? types[0] : undefined;
  // ajv tests a lone type inside its own group when the schema has keywords of that group (the
  // type error then comes after const/enum/allOf/if), else before every keyword. `integer` has
  // no group of its own: it is always tested first.
  const typeInGroup = single !== undefined && Object.hasOwn(KEYWORDS, single) && KEYWORDS[single as Group].some((k) => k in s);
  const typeError = (): false => fail('type', { type: s.type });
  if (types.length > 0 && !typeInGroup) {
    const mask = maskOf(types);
    checks.push((d) => (mask & typeBits(d)) !== 0 || typeError());
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
  const ownType = typeInGroup ? single : undefined;
  const groups: Record<Group, Check | undefined> = {
    number: all(numberChecks(s)),
    string: all(stringChecks(s)),
    array: all(arrayChecks(s)),
    object: objectCheck(s, ownType === 'object' ? typeError : undefined),
  };
  for (const group of GROUPS) {
    const body = groups[group];
    const bit = BIT[group];
    if (group === ownType) {
      if (group === 'object') checks.push(body as Check); // tests its type itself
      else checks.push((d) => ((typeBits(d) & bit) !== 0 ? body === undefined || body(d) : typeError()));
    } else if (body !== undefined) {
      checks.push(group === 'object' ? body : (d) => (typeBits(d) & bit) === 0 || body(d));
    }
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

const BIT = { null: 1, boolean: 2, string: 4, number: 8, integer: 16, array: 32, object: 64 } as const;

/** The JSON types a value has, as BIT flags; an integer is a number too, NaN and ±Infinity are none. */
function typeBits(d: unknown): number {
  switch (typeof d) {
    case 'string':
      return BIT.string;
    case 'number':
      return Number.isInteger(d) ? BIT.number | BIT.integer : Number.isFinite(d) ? BIT.number : 0;
    case 'boolean':
      return BIT.boolean;
    case 'object':
      return d === null ? BIT.null : Array.isArray(d) ? BIT.array : BIT.object;
    default:
      return 0;
  }
}

const maskOf = (types: JsonType[]): number => types.reduce((mask, t) => mask | BIT[t], 0);

/**
 * Most properties and items are one type, a non-empty string or a constant: a property loop
 * tests those in place, and calls a value's compiled check only when the quick test does not
 * pass it (to fail it, with the error). Calls through closures are most of a validator's time.
 */
const enum Quick {
  None,
  Types,
  String,
  Const,
}

interface Child {
  quick: Quick;
  /** Quick.Types: the BIT mask; Quick.String: the shortest length that surely passes. */
  arg: number;
  value: Scalar | undefined;
  check: Check;
}

function child(s: SchemaDescription): Child | undefined {
  const check = compileCheck(s);
  if (check === undefined) return undefined;
  const keys = Object.keys(s);
  const only = (...allowed: string[]) => keys.every((k) => allowed.includes(k));
  if (only('type') && s.type !== undefined) return { quick: Quick.Types, arg: maskOf(Array.isArray(s.type) ? s.type : [s.type]), value: undefined, check };
  // A string of n UTF-16 units has at least n/2 code points; one unit is always one.
  if (only('type', 'minLength') && s.type === 'string' && s.minLength !== undefined) return { quick: Quick.String, arg: s.minLength <= 1 ? s.minLength : 2 * s.minLength, value: undefined, check };
  if (only('const')) return { quick: Quick.Const, arg: 0, value: s.const, check };
  return { quick: Quick.None, arg: 0, value: undefined, check };
}

/** Whether a value surely passes its child schema without calling its check. */
function quickPass(c: Child, v: unknown): boolean {
  switch (c.quick) {
    case Quick.Types:
      return (typeBits(v) & c.arg) !== 0;
    case Quick.String:
      return typeof v === 'string' && v.length >= c.arg;
    case Quick.Const:
      return v === c.value;
    default:
      return false;
  }
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
  const item = s.items === undefined ? undefined : child(s.items);
  if (item !== undefined) {
    checks.push((d) => {
      const array = d as unknown[];
      for (let i = 0; i < array.length; i++) {
        const v = array[i];
        if (!quickPass(item, v) && !item.check(v)) return under(`/${i}`);
      }
      return true;
    });
  }
  return checks;
}

/**
 * The object keywords as one check, type test included: they run on most values a frame holds.
 * A value of another type fails with `typeError` when the schema's own type is object, else passes.
 *
 * A first pass reads the declared properties through the description's `read` (by name, in one
 * call: a `data[key]` read from here is a megamorphic keyed load, several ns each) and only
 * decides the verdict; it is what nearly every frame costs. Only a value that fails is checked again keyword by keyword, in ajv's order,
 * for the error ajv reports first.
 */
function objectCheck(s: SchemaDescription, typeError: (() => false) | undefined): Check | undefined {
  const required = s.required ?? [];
  const properties = s.properties ?? {};
  const known = s.additionalProperties === false ? new Set(Object.keys(properties)) : undefined;
  const keys = Object.keys(properties);
  const segments = keys.map((key) => `/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`);
  const children = keys.map((key) => child(properties[key] as SchemaDescription));
  const isRequired = keys.map((key) => required.includes(key));
  const otherRequired = required.filter((key) => !Object.hasOwn(properties, key));
  if (typeError === undefined && required.length === 0 && known === undefined && children.every((c) => c === undefined)) return undefined;
  const read = s.read ?? ((data: Obj) => keys.map((key) => data[key]));

  const firstError = (data: Obj): boolean => {
    // Read as ajv reads it: a property that is undefined, or absent, is missing.
    for (let i = 0; i < required.length; i++) {
      const key = required[i] as string;
      if (data[key] === undefined) return fail('required', { missingProperty: key });
    }
    if (known !== undefined) {
      for (const key in data) if (!known.has(key)) return fail('additionalProperties', { additionalProperty: key });
    }
    for (let i = 0; i < keys.length; i++) {
      const v = data[keys[i] as string];
      const c = children[i];
      if (v !== undefined && c !== undefined && !c.check(v)) return under(segments[i] as string);
    }
    return true;
  };

  return (d) => {
    if (typeof d !== 'object' || d === null || Array.isArray(d)) return typeError === undefined || typeError();
    const data = d as Obj;
    const values = read(data);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v === undefined) {
        if (isRequired[i]) return firstError(data);
        continue;
      }
      const c = children[i];
      if (c !== undefined && !quickPass(c, v) && !c.check(v)) return firstError(data);
    }
    for (let i = 0; i < otherRequired.length; i++) if (data[otherRequired[i] as string] === undefined) return firstError(data);
    if (known !== undefined) for (const key in data) if (!known.has(key)) return firstError(data);
    return true;
  };
}
