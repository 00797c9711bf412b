/**
 * Inputs for the validator equivalence test: the reference frames beside the repository
 * (../shared/protocol, read at test time, never copied in), our own fixtures, and seeded
 * mutations of them aimed at what schemas decide: dropped fields, wrong types, extra fields,
 * wrong enum/const values, lengths, item counts and numbers at the spec's own limits.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A seeded PRNG (the stress suites' mulberry32): a failing case reproduces from its seed. */
export { mulberry32 as prng } from '../support/prng.js';
import type { Random } from '../support/prng.js';

/** Reference frames: fixtures.json instances (with their upstream $schema_ref) and recorded c2s/s2c frames. */
export function referenceFrames(dir: string): { where: string; ref?: string; value: Json }[] {
  const out: { where: string; ref?: string; value: Json }[] = [];
  const fixtures = path.join(dir, 'fixtures.json');
  if (existsSync(fixtures)) {
    const entries = JSON.parse(readFileSync(fixtures, 'utf8')) as Record<string, { $schema_ref?: string; instance?: Json }>;
    for (const [name, entry] of Object.entries(entries)) {
      if (typeof entry !== 'object' || entry === null || entry.instance === undefined) continue;
      out.push({ where: `fixtures.json ${name}`, ref: entry.$schema_ref, value: entry.instance });
    }
  }
  const recorded = path.join(dir, 'recorded');
  if (existsSync(recorded)) {
    for (const file of readdirSync(recorded).filter((f) => f.endsWith('.jsonl')).sort()) {
      readFileSync(path.join(recorded, file), 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (line.trim() === '') return;
          const record = JSON.parse(line) as { dir: string; frame?: Json };
          if ((record.dir === 'c2s' || record.dir === 's2c') && record.frame !== undefined) {
            out.push({ where: `recorded/${file}:${i + 1}`, value: record.frame });
          }
        });
    }
  }
  return out;
}

/** What the spec's schemas name: property names, enum/const strings and numeric limits, for mutations to hit. */
export interface SpecVocabulary {
  names: string[];
  strings: string[];
  lengths: number[];
  counts: number[];
  numbers: number[];
}

export function vocabulary(schemas: unknown[]): SpecVocabulary {
  const v = { names: new Set<string>(), strings: new Set<string>(), lengths: new Set<number>([0, 1]), counts: new Set<number>([0, 1]), numbers: new Set<number>([0, -1, 1.5]) };
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === 'properties' && value !== null && typeof value === 'object') Object.keys(value).forEach((n) => v.names.add(n));
      if (key === 'const' && typeof value === 'string') v.strings.add(value);
      if (key === 'enum' && Array.isArray(value)) value.filter((s): s is string => typeof s === 'string').forEach((s) => v.strings.add(s));
      if ((key === 'minLength' || key === 'maxLength') && typeof value === 'number') [value - 1, value, value + 1].forEach((n) => v.lengths.add(n));
      if ((key === 'minItems' || key === 'maxItems') && typeof value === 'number') [value - 1, value, value + 1].forEach((n) => v.counts.add(n));
      if ((key === 'minimum' || key === 'maximum') && typeof value === 'number') [value - 1, value - 0.5, value, value + 0.5, value + 1].forEach((n) => v.numbers.add(n));
      walk(value);
    }
  };
  schemas.forEach(walk);
  const ascending = (set: Set<number>) => [...set].sort((a, b) => a - b);
  return {
    names: [...v.names].sort(),
    strings: [...v.strings].sort(),
    lengths: ascending(v.lengths).filter((n) => n >= 0),
    counts: ascending(v.counts).filter((n) => n >= 0),
    numbers: ascending(v.numbers),
  };
}

type Path = (string | number)[];

/** Every path into a value, the root included. */
export function paths(value: Json, at: Path = []): Path[] {
  const out: Path[] = [at];
  if (Array.isArray(value)) value.forEach((item, i) => out.push(...paths(item, [...at, i])));
  else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) out.push(...paths(item, [...at, key]));
  return out;
}

function get(value: Json, at: Path): Json {
  return at.reduce<Json>((node, key) => (node as Record<string | number, Json>)[key] as Json, value);
}

/** Sets a key as JSON.parse would: an own property, even for "__proto__". */
function setOwn(target: Json[] | { [key: string]: Json }, key: string | number, item: Json): void {
  Object.defineProperty(target, key, { value: item, enumerable: true, writable: true, configurable: true });
}

function replace(root: Json, at: Path, item: Json | undefined): Json {
  if (at.length === 0) return item ?? null;
  const parentPath = at.slice(0, -1);
  const key = at[at.length - 1] as string | number;
  const parent = get(root, parentPath);
  if (Array.isArray(parent)) {
    if (item === undefined) parent.splice(key as number, 1);
    else parent[key as number] = item;
  } else if (parent !== null && typeof parent === 'object') {
    if (item === undefined) delete parent[key as string];
    else setOwn(parent, key, item);
  }
  return root;
}

const stringOf = (length: number, wide: boolean): string => (wide ? '😀' : 'a').repeat(Math.max(0, length));

/** One seeded mutant of `seed`: one to three edits at random paths. */
export function mutate(seed: Json, random: Random, vocab: SpecVocabulary): Json {
  let value = structuredClone(seed);
  for (let edits = random.int(1, 3); edits > 0; edits--) {
    const at = random.pick(paths(value));
    const node = get(value, at);
    // NaN and the infinities are not JSON, but validateAction sees the caller's own objects.
    const wrongTypes: Json[] = [null, true, 0, 7, -1, 1.5, -0, NaN, Infinity, -Infinity, 2 ** 53, '', 'x', [], {}, ['x'], { a: 1 }];
    switch (random.int(0, 7)) {
      case 0: // drop a field or an item
        if (at.length > 0) value = replace(value, at, undefined);
        break;
      case 1: // wrong type
        value = replace(value, at, random.pick(wrongTypes));
        break;
      case 2: // an extra field, named like one the spec knows, or a prototype key
        if (node !== null && typeof node === 'object' && !Array.isArray(node)) {
          setOwn(node, random.pick([...vocab.names, 'extra', '__proto__', 'constructor', 'toString']), random.pick(wrongTypes.concat(['ok', 1])));
        }
        break;
      case 3: // a wrong enum / const value, or another one the spec allows elsewhere
        if (typeof node === 'string') value = replace(value, at, random.pick([...vocab.strings, `${node}x`, node.toUpperCase(), ` ${node}`]));
        break;
      case 4: // a string at a length limit, in ASCII, in astral characters (two UTF-16 units each), or blank
        if (typeof node === 'string' || random.next() < 0.2) {
          const length = random.pick(vocab.lengths);
          value = replace(value, at, random.next() < 0.15 ? ' '.repeat(length) : stringOf(length, random.next() < 0.3));
        }
        break;
      case 5: // a number at a limit
        if (typeof node === 'number' || random.next() < 0.2) value = replace(value, at, random.pick(vocab.numbers));
        break;
      case 6: // an array at an item-count limit, or with a wrong item
        if (Array.isArray(node)) {
          const count = random.pick(vocab.counts);
          const items = node.length === 0 ? ['x'] : node;
          const resized = Array.from({ length: count }, (_, i) => structuredClone(items[i % items.length] as Json));
          if (random.next() < 0.3 && resized.length > 0) resized[random.int(0, resized.length - 1)] = random.pick(wrongTypes);
          value = replace(value, at, resized);
        }
        break;
      default: // another message's discriminator
        if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
          const key = 'action' in value ? 'action' : 'type';
          setOwn(value, key, random.pick(vocab.strings));
        }
    }
  }
  return value;
}
