/**
 * spec/ → src/generated/validators/: each message's schema as a description that
 * src/validation/compile.ts turns into a validator at module load, one exported validator per
 * message and named by its title. Descriptions are the spec's own keywords minus everything that
 * decides nothing (annotations, formats, `additionalProperties: true`), and a `$ref` is a
 * reference to the description it names, so a shared object is written once. Each validator is a
 * pure call: a bundle keeps only the validators its imports reach, and the lookups the client
 * reads (events by `type`, actions by `action`) are separate small modules.
 *
 * ajv checks the spec here (the draft 2020-12 meta-schema, then strict mode), and
 * test/spec/validators-equivalence.test.ts proves that the validators decide what ajv decides
 * with the full schemas, first error included.
 */
// ajv ships CommonJS with the export on `.default` as well; NodeNext types only see that one.
import Ajv2020Module from 'ajv/dist/2020.js';
import type { SpecFile } from './spec.js';

const Ajv2020 = Ajv2020Module.default;

/** Generated file name (under src/generated/) → contents, without the DO-NOT-EDIT header. */
export function generateValidators(files: SpecFile[], defs: Record<string, unknown>): Map<string, string> {
  const meta = new Ajv2020({ strict: true, strictRequired: false, validateFormats: false });
  for (const f of files) {
    if (!meta.validateSchema(f.schema)) throw new Error(`${f.title}: ${meta.errorsText(meta.errors)}`);
  }
  // Strict mode rejects unknown keywords and contradictory types, which the descriptions would
  // silently carry. if/else branches name properties declared at the root (submit_interaction:
  // values unless declined), hence strictRequired off.
  const strict = new Ajv2020({ strict: true, strictRequired: false, validateFormats: false });
  strict.addSchema({ $id: 'smooth', $defs: defs });
  for (const f of files) strict.getSchema(`smooth#/$defs/${f.title}`);

  const descriptions = new Map(Object.entries(defs).map(([title, schema]) => [title, describe(schema, title, defs)]));
  const lines: string[] = [];
  for (const title of dependencyOrder(descriptions)) {
    lines.push(`const ${schemaName(title)}: SchemaDescription = ${emit(descriptions.get(title))};`);
    lines.push(`export const ${title}: CompiledValidator = /* @__PURE__ */ compile(${schemaName(title)});`);
  }
  const out = new Map<string, string>();
  out.set(
    'validators/validators.ts',
    `// Every message's schema as src/validation/compile.ts reads it, and its validator, named by the schema's title.\n` +
      `import { compile, type SchemaDescription } from '../../validation/compile.js';\n` +
      `import type { CompiledValidator } from '../../validation/compiled.js';\n\n${lines.join('\n')}\n`,
  );
  out.set('validators/events.ts', lookup(files, 'events', 'eventValidators', 'Event `type` → its validator.'));
  out.set('validators/actions.ts', lookup(files, 'actions', 'actionValidators', 'Action name → its validator.'));
  const objects = files.filter((f) => f.group === 'objects' || f.group === 'interactions').map((f) => f.title);
  out.set(
    'validators/objects.ts',
    `/** Validators of the objects replies carry and of the interaction kinds, by type name. */\n` +
      `export { ${objects.join(', ')} } from './validators.js';\n`,
  );
  out.set(
    'validators/index.ts',
    `export { eventValidators } from './events.js';\nexport { actionValidators } from './actions.js';\n` +
      `// Kept for existing imports; it holds every object validator in a bundle. To keep only the ones\n` +
      `// read, import the namespace directly: \`import * as objectValidators from './objects.js'\`.\n` +
      `export * as objectValidators from './objects.js';\n`,
  );
  return out;
}

function lookup(files: SpecFile[], group: 'events' | 'actions', name: string, doc: string): string {
  const list = files.filter((f) => f.group === group);
  return (
    `import type { CompiledValidator } from '../../validation/compiled.js';\n` +
    `import { ${list.map((f) => f.title).join(', ')} } from './validators.js';\n\n` +
    `/** ${doc} A Map: a name such as "__proto__" must not reach Object.prototype. */\n` +
    `export const ${name}: ReadonlyMap<string, CompiledValidator> = /* @__PURE__ */ new Map<string, CompiledValidator>([\n` +
    list.map((f) => `    ['${f.discriminator}', ${f.title}],`).join('\n') +
    `\n]);\n`
  );
}

/** A `$ref` in a description: the referenced definition's title. */
class Ref {
  constructor(readonly title: string) {}
}

type Description = { [keyword: string]: unknown };

const schemaName = (title: string) => `${title}Schema`;

/** Keywords that decide nothing here; `format` because the client checks shape only (servers check formats). */
const ANNOTATIONS = new Set(['title', 'description', '$comment', 'examples', '$schema', 'default', 'format']);
/** The keywords src/validation/compile.ts implements; any other stops codegen. */
const ANY_TYPE = ['type', 'const', 'enum', 'allOf', 'if', 'then', 'else'];
const BY_TYPE: Record<string, string[]> = {
  number: ['maximum', 'minimum'],
  string: ['maxLength', 'minLength', 'pattern'],
  array: ['maxItems', 'minItems', 'items'],
  object: ['required', 'additionalProperties', 'properties'],
};
const KNOWN = new Set([...ANY_TYPE, ...Object.values(BY_TYPE).flat()]);

/**
 * The schema as compile.ts reads it. Dropping a keyword that decides nothing can still move ajv's
 * type error: a lone type is tested in its keyword group when the schema has keywords of that
 * group, and the group comes after const/enum/allOf/if. Where that could change the first error,
 * codegen stops instead of guessing.
 */
function describe(schema: unknown, where: string, defs: Record<string, unknown>): Description | Ref {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) throw new Error(`${where}: a schema must be an object`);
  const source = schema as Description;
  if (typeof source.$ref === 'string') {
    const title = /^#\/\$defs\/(\w+)$/.exec(source.$ref)?.[1];
    if (title === undefined || !(title in defs)) throw new Error(`${where}: unresolved $ref ${source.$ref}`);
    if (Object.keys(source).some((k) => k !== '$ref' && !ANNOTATIONS.has(k))) throw new Error(`${where}: $ref with sibling keywords`);
    return new Ref(title);
  }
  const out: Description = {};
  const dropped: string[] = [];
  for (const [key, value] of Object.entries(source)) {
    if (ANNOTATIONS.has(key)) {
      if (key === 'format') dropped.push(key);
      continue;
    }
    if (!KNOWN.has(key)) throw new Error(`${where}: keyword ${key} is not supported by src/validation/compile.ts`);
    switch (key) {
      case 'const':
        out[key] = scalar(value, `${where}/const`);
        break;
      case 'enum':
        if (!Array.isArray(value)) throw new Error(`${where}: enum must be an array`);
        out[key] = value.map((v, i) => scalar(v, `${where}/enum/${i}`));
        break;
      case 'additionalProperties':
        if (value === true) dropped.push(key);
        else if (value === false) out[key] = false;
        else throw new Error(`${where}: additionalProperties must be true or false`);
        break;
      case 'properties': {
        const properties = value as Record<string, unknown>;
        if (Object.hasOwn(properties, '__proto__')) throw new Error(`${where}: a property named __proto__`);
        out[key] = Object.fromEntries(Object.entries(properties).map(([name, sub]) => [name, describe(sub, `${where}/${name}`, defs)]));
        break;
      }
      case 'allOf':
        out[key] = (value as unknown[]).map((sub, i) => describe(sub, `${where}/allOf/${i}`, defs));
        break;
      case 'if':
      case 'then':
      case 'else':
      case 'items':
        out[key] = describe(value, `${where}/${key}`, defs);
        break;
      default:
        out[key] = value;
    }
  }
  // ajv ignores then/else without if, and an if without either.
  if (out.if === undefined) {
    delete out.then;
    delete out.else;
  } else if (out.then === undefined && out.else === undefined) {
    delete out.if;
  }
  const type = out.type;
  const hasGroupKeywords = (node: Description): boolean =>
    typeof type === 'string' && [...(BY_TYPE[type] ?? []), ...(type === 'string' || type === 'number' ? ['format'] : [])].some((k) => k in node);
  if (hasGroupKeywords(source) !== hasGroupKeywords(out) && ANY_TYPE.some((k) => k !== 'type' && k in out)) {
    throw new Error(`${where}: dropping ${dropped.join(', ')} would move ajv's type error`);
  }
  return out;
}

function scalar(value: unknown, where: string): unknown {
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return value;
  throw new Error(`${where}: only scalar const/enum values are supported`);
}

/** Titles ordered so that each description is defined before one that refers to it. */
function dependencyOrder(descriptions: Map<string, Description | Ref>): string[] {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (title: string): void => {
    if (state.get(title) === 'done') return;
    if (state.get(title) === 'visiting') throw new Error(`${title}: a recursive $ref is not supported`);
    state.set(title, 'visiting');
    refsIn(descriptions.get(title)).forEach(visit);
    state.set(title, 'done');
    order.push(title);
  };
  for (const title of [...descriptions.keys()].sort()) visit(title);
  return order;
}

function refsIn(node: unknown): string[] {
  if (node instanceof Ref) return [node.title];
  if (node === null || typeof node !== 'object') return [];
  return Object.values(node).flatMap(refsIn);
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const key = (name: string) => (IDENTIFIER.test(name) ? name : JSON.stringify(name));

function emit(node: unknown): string {
  if (node instanceof Ref) return schemaName(node.title);
  const entries = Object.entries(node as Description).map(([keyword, value]) => {
    if (keyword === 'properties') return `properties: { ${Object.entries(value as Description).map(([name, sub]) => `${key(name)}: ${emit(sub)}`).join(', ')} }`;
    if (keyword === 'allOf') return `allOf: [${(value as unknown[]).map(emit).join(', ')}]`;
    if (['if', 'then', 'else', 'items'].includes(keyword)) return `${keyword}: ${emit(value)}`;
    return `${keyword}: ${JSON.stringify(value)}`;
  });
  const properties = (node as Description).properties;
  if (properties !== undefined) entries.push(`read: ${reader(Object.keys(properties as Description))}`);
  return `{ ${entries.join(', ')} }`;
}

/**
 * Reads an object's declared properties in one call: a data-driven `data[key]` read is a
 * megamorphic keyed load (several ns each), a property named in code a monomorphic one.
 */
function reader(keys: string[]): string {
  return `(d) => [${keys.map((k) => (IDENTIFIER.test(k) ? `d.${k}` : `d[${JSON.stringify(k)}]`)).join(', ')}]`;
}
