/**
 * The generated validators are compact descriptions of the spec's schemas (annotations dropped,
 * shared definitions described once) that src/validation/compile.ts turns into closures. Here the
 * FULL schemas of spec/ — descriptions, titles, relative file $refs and all — are compiled by ajv
 * at test time, and both must give the same verdict and the same errors (instancePath, keyword,
 * params) on the reference frames and on thousands of seeded mutations of them.
 *
 * The reference is compiled with formats off, as codegen does on purpose: the client checks
 * shape only, servers check formats (README, "Protocol spec, types and validation").
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020Module from 'ajv/dist/2020.js';
import { actionValidators, eventValidators, objectValidators } from '../../src/generated/validators/index.js';
import type { CompiledValidator, CompiledValidatorError } from '../../src/validation/compiled.js';
import { isValidEvent, validateAction, validateEvent } from '../../src/validation/validate.js';
import { actionCases, eventCases } from '../fixtures/frames.js';
import { mutate, paths, prng, referenceFrames, vocabulary, type Json } from './validators-corpus.js';

// ajv is CommonJS with the class on `.default` too; NodeNext types see only that one.
const Ajv2020 = Ajv2020Module.default;

const root = path.join(__dirname, '..', '..');
const sharedDir = process.env.SMOOTH_PROTOCOL_DIR ?? path.join(root, '..', 'shared', 'protocol');
const hasShared = existsSync(sharedDir);
if (!hasShared) console.warn(`validators-equivalence: ${sharedDir} not found, reference frames skipped (CI has ../shared beside the clone)`);

interface Message {
  title: string;
  kind: 'event' | 'action' | 'object';
  discriminator?: string;
  reference: CompiledValidator;
  generated: CompiledValidator;
}

const schemas: { group: string; schema: Record<string, unknown> }[] = [];
for (const group of ['actions', 'events', 'objects', 'interactions']) {
  for (const name of readdirSync(path.join(root, 'spec', group)).filter((n) => n.endsWith('.schema.json')).sort()) {
    schemas.push({ group: `${group}/${name}`, schema: JSON.parse(readFileSync(path.join(root, 'spec', group, name), 'utf8')) as Record<string, unknown> });
  }
}
// strictNumbers as codegen's strict mode implies: NaN and ±Infinity (not JSON, but callers of
// validateAction pass their own objects) are not numbers.
const reference = new Ajv2020({ strict: false, strictNumbers: true, allErrors: false, validateFormats: false });
for (const { group, schema } of schemas) reference.addSchema(schema, `https://spec.invalid/${group}`);

const messages = new Map<string, Message>();
for (const { group, schema } of schemas) {
  const title = schema.title as string;
  const props = schema.properties as Record<string, { const?: string }>;
  const kind = group.startsWith('events/') ? 'event' : group.startsWith('actions/') ? 'action' : 'object';
  const discriminator = kind === 'event' ? props.type?.const : kind === 'action' ? props.action?.const : undefined;
  const generated =
    kind === 'event'
      ? eventValidators.get(discriminator as string)
      : kind === 'action'
        ? actionValidators.get(discriminator as string)
        : (objectValidators as Record<string, CompiledValidator>)[title];
  const compiled = reference.getSchema(`https://spec.invalid/${group}`);
  if (generated === undefined || compiled === undefined) throw new Error(`no validator for ${title}`);
  messages.set(title, { title, kind, discriminator, generated, reference: compiled as unknown as CompiledValidator });
}
const byDiscriminator = new Map([...messages.values()].filter((m) => m.discriminator).map((m) => [`${m.kind}:${m.discriminator}`, m]));
const objects = [...messages.values()].filter((m) => m.kind === 'object');

const isActionFrame = (frame: Json): boolean => frame !== null && typeof frame === 'object' && !Array.isArray(frame) && Object.hasOwn(frame, 'action');

/** The message a frame names by its `action` (if it has one) or else its `type`, if we have its schema. */
function namedBy(frame: Json): Message | undefined {
  if (frame === null || typeof frame !== 'object' || Array.isArray(frame)) return undefined;
  const key = isActionFrame(frame) ? 'action' : 'type';
  const name = Object.hasOwn(frame, key) ? frame[key] : undefined;
  return typeof name === 'string' ? byDiscriminator.get(`${key === 'action' ? 'action' : 'event'}:${name}`) : undefined;
}

const shape = (errors: CompiledValidatorError[] | null | undefined) =>
  (errors ?? []).map(({ instancePath, keyword, params }) => ({ instancePath, keyword, params }));

class Tally {
  accepted = 0;
  rejected = 0;
  readonly keywords = new Set<string>();
  readonly mismatches: string[] = [];

  /** Same verdict and same errors, generated vs full schema. */
  compare(message: Message, input: Json, where: string): void {
    const expected = message.reference(input);
    const actual = message.generated(input);
    if (actual !== expected) {
      this.mismatches.push(`${where} as ${message.title}: generated ${actual}, full schema ${expected}: ${JSON.stringify(input)}`);
      return;
    }
    if (actual) {
      this.accepted++;
      return;
    }
    this.rejected++;
    const want = shape(message.reference.errors);
    const got = shape(message.generated.errors);
    want.forEach((e) => this.keywords.add(e.keyword));
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      this.mismatches.push(`${where} as ${message.title}: errors ${JSON.stringify(got)}, full schema ${JSON.stringify(want)}`);
    }
  }

  /** The public entry points dispatch a frame to the schema its discriminator names. */
  dispatch(frame: Json, where: string): void {
    const isAction = isActionFrame(frame);
    const result = isAction ? validateAction(frame) : validateEvent(frame);
    // The client's per-frame check (no result object) must say what validateEvent says.
    if (!isAction && isValidEvent(frame) !== result.valid) this.mismatches.push(`${where}: isValidEvent says ${!result.valid}, validateEvent says ${result.valid}`);
    const named = namedBy(frame);
    if (named === undefined) {
      if (result.valid) this.mismatches.push(`${where}: accepted a frame naming no known message: ${JSON.stringify(frame)}`);
      return;
    }
    const expected = named.reference(frame);
    if (result.valid !== expected) this.mismatches.push(`${where}: validate${isAction ? 'Action' : 'Event'} says ${result.valid}, ${named.title} says ${expected}`);
  }

  /** Every object schema against every value inside `value`: replies carry objects at any depth. */
  objectsWithin(value: Json, where: string): void {
    for (const at of paths(value)) {
      const node = at.reduce<Json>((n, key) => (n as Record<string | number, Json>)[key] as Json, value);
      for (const object of objects) this.compare(object, node, `${where} /${at.join('/')}`);
    }
  }
}

// Upstream schema names (fixtures' $schema_ref) of objects we have schemas for.
const objectByRef: Record<string, string> = {
  'actions/create-conversation-session.schema.json#/$defs/Response': 'Session',
  'interactions/identity-intake.schema.json#/$defs/Spec': 'IdentityIntakeSpec',
  'interactions/identity-intake.schema.json#/$defs/Values': 'IdentityIntakeValues',
  'interactions/choices.schema.json#/$defs/Spec': 'ChoicesSpec',
  'interactions/choices.schema.json#/$defs/Values': 'ChoicesValues',
};

interface Seed {
  where: string;
  value: Json;
  /** The message it is an instance of. */
  message: Message;
}

function seeds(): Seed[] {
  const out: Seed[] = [];
  const reference = hasShared ? referenceFrames(sharedDir) : [];
  for (const frame of reference) {
    const message = namedBy(frame.value) ?? (frame.ref ? messages.get(objectByRef[frame.ref] ?? '') : undefined);
    if (message) out.push({ where: frame.where, value: frame.value, message });
  }
  for (const cases of [...Object.values(eventCases), ...Object.values(actionCases)]) {
    for (const c of cases) {
      const message = namedBy(c.frame as Json);
      if (message) out.push({ where: `test/fixtures/frames.ts ${c.name}`, value: c.frame as Json, message });
    }
  }
  return out;
}

describe('generated validators vs the full schemas of spec/, compiled by ajv at test time', () => {
  const vocab = vocabulary(schemas.map((s) => s.schema));

  (hasShared ? it : it.skip)(`agree on every reference frame of ${path.relative(root, sharedDir)} (fixtures.json, recorded/*.jsonl)`, () => {
    const tally = new Tally();
    const frames = referenceFrames(sharedDir);
    let unnamed = 0;
    for (const frame of frames) {
      const message = namedBy(frame.value) ?? (frame.ref ? messages.get(objectByRef[frame.ref] ?? '') : undefined);
      if (message) tally.compare(message, frame.value, frame.where);
      else unnamed++;
      tally.dispatch(frame.value, frame.where);
      tally.objectsWithin(frame.value, frame.where);
    }
    expect(tally.mismatches).toEqual([]);
    // Every recorded frame and nearly every fixture names a message of ours (the rest are
    // upstream payload wrappers with no schema here).
    expect(frames.length).toBeGreaterThanOrEqual(60);
    expect(unnamed).toBeLessThanOrEqual(2);
  });

  it('agree on thousands of seeded mutations: dropped fields, wrong types, extra fields, wrong enums, limits', () => {
    const tally = new Tally();
    const all = seeds();
    const seed = Number(process.env.EQUIVALENCE_SEED ?? 20261202);
    const random = prng(seed);
    const perSeed = Math.ceil(12_000 / all.length);
    for (const [i, s] of all.entries()) {
      tally.compare(s.message, s.value, s.where);
      for (let n = 0; n < perSeed; n++) {
        const mutant = mutate(s.value, random, vocab);
        const where = `${s.where} mutant ${n} (seed ${seed})`;
        tally.compare(s.message, mutant, where);
        const named = namedBy(mutant);
        if (named && named !== s.message) tally.compare(named, mutant, where);
        tally.dispatch(mutant, where);
        if ((i + n) % 8 === 0) tally.objectsWithin(mutant, where);
      }
    }
    expect(tally.mismatches.slice(0, 10)).toEqual([]);
    expect(tally.mismatches).toHaveLength(0);
    // The corpus is not vacuous: both verdicts are common, and every kind of rule the spec
    // uses has rejected something (`if`/`else` failures surface as the branch's own rule).
    expect(tally.accepted).toBeGreaterThan(2000);
    expect(tally.rejected).toBeGreaterThan(5000);
    expect([...tally.keywords].sort()).toEqual(
      expect.arrayContaining(['additionalProperties', 'const', 'enum', 'maxItems', 'maxLength', 'maximum', 'minItems', 'minLength', 'minimum', 'pattern', 'required', 'type']),
    );
  });
});
