/**
 * spec/ → src/generated/validators/: the whole spec compiled by one ajv instance (standalone
 * code) into ONE module of tree-shakable functions, one exported per message and named by its
 * title, with no annotations, schema copies or message strings in it; the lookups the client
 * reads (events by `type`, actions by `action`) are separate small modules, so a bundle keeps only
 * the validators its imports reach. ajv's output is then slimmed (compact.ts, simplify.ts) and
 * test/spec/validators-equivalence.test.ts proves it still decides what the full schemas decide.
 */
// ajv ships CommonJS with the export on `.default` as well; NodeNext types only see that one.
import AjvModule from 'ajv';
import Ajv2020Module from 'ajv/dist/2020.js';
import standaloneModule from 'ajv/dist/standalone/index.js';
import { mapValues, stripAnnotations, type SpecFile } from './spec.js';
import { compactErrorSites, ERROR_HELPER } from './compact.js';
import { plainInstancePath, shorterNumberChecks, simplifyBookkeeping } from './simplify.js';

const Ajv = AjvModule.default;
const Ajv2020 = Ajv2020Module.default;
const standaloneCode = standaloneModule.default;

/** Generated file name (under src/generated/) → contents, without the DO-NOT-EDIT header. */
export function generateValidators(files: SpecFile[], defs: Record<string, unknown>): Map<string, string> {
  // The spec is draft 2020-12: prove each file against that meta-schema...
  const meta = new Ajv2020({ strict: true, strictRequired: false, validateFormats: false });
  for (const f of files) {
    if (!meta.validateSchema(f.schema)) throw new Error(`${f.title}: ${meta.errorsText(meta.errors)}`);
  }
  // ...then emit code with core Ajv. Ajv2020 always emits $dynamicRef/unevaluated bookkeeping that
  // every call pays for; the keywords we use mean the same in both dialects, and strict mode makes
  // codegen fail on any 2020-only keyword instead of ignoring it.
  const ajv = new Ajv({
    code: { source: true, esm: true },
    strict: true,
    // if/else branches name properties declared at the root (submit_interaction: values unless declined).
    strictRequired: false,
    allErrors: false,
    // A $ref to a small definition is compiled in place. As a call it cost up to +40% per frame
    // on the hot path (an eventual_response with citations): a concatenated instance path per
    // call. The spec's shared definitions are small and nearly all used once (ErrorBody twice, in
    // `error`); a bundle holds a second copy only if it also imports that object's own validator.
    inlineRefs: true,
    // Messages are composed at run time from keyword and params (src/validation/validate.ts):
    // ajv's message strings would be most of every validator's bytes.
    messages: false,
    // Servers validate formats (email, date-time); the client checks shape only, and needs no
    // ajv-formats at run time.
    validateFormats: false,
  });
  ajv.addSchema({ $id: 'smooth', $defs: inlineRefsInProbes(stripAnnotations(defs) as Record<string, unknown>) });
  const exports = Object.fromEntries(files.map((f) => [f.title, `smooth#/$defs/${f.title}`]));
  let code = standaloneCode(ajv, exports);
  // ajv's string-length helper is CommonJS; ours is the same function as an ES module.
  code = code.replace(
    /const (\w+) = require\("ajv\/dist\/runtime\/ucs2length"\)\.default;/g,
    'import { ucs2length as $1 } from "../../validation/ucs2length.js";',
  );
  if (/require\(/.test(code)) throw new Error('standalone code still requires a module');
  code = code.replace(/^"use strict";/, '');
  // schemaPath is never read; each error literal would carry it.
  code = code.replace(/schemaPath:"[^"]*",/g, '');
  code = inlineSchemaConstants(code);
  code = compactErrorSites(code);
  code = simplifyBookkeeping(code);
  code = plainInstancePath(code);
  code = shorterNumberChecks(code);
  code = code.replace(
    /export const (\w+) = (validate\d+);/g,
    'export const $1: CompiledValidator = $2 as unknown as CompiledValidator;',
  );
  const out = new Map<string, string>();
  out.set(
    'validators/validators.ts',
    `// Every message's validator, named by its schema title.\n// @ts-nocheck\n` +
      `import type { CompiledValidator } from "../../validation/compiled.js";\n${ERROR_HELPER}\n${code}\n`,
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

/**
 * ajv keeps each schema as a constant for what its code reads from it: enum and union-type lists
 * (error params) and, for `additionalProperties: false`, the `properties` map whose own keys are
 * allowed. Those values are written in place (the map as an object of the same own keys), so no
 * whole schema, with every nested definition, stays in a bundle.
 */
function inlineSchemaConstants(code: string): string {
  const constants = new Map<string, unknown>();
  let out = code.replace(/const (schema\d+) = (\{.*?\});(?=function |const |export |import |$)/gs, (_m, name: string, literal: string) => {
    constants.set(name, JSON.parse(literal)); // exactly one JSON literal, or codegen stops here
    return '';
  });
  const keySets: string[] = [];
  out = out.replace(/\b(schema\d+)((?:\.[A-Za-z_$][\w$]*|\[\d+\])+)/g, (whole, name: string, path: string) => {
    if (!constants.has(name)) throw new Error(`inline: ${whole} reads no known schema constant`);
    let value = constants.get(name);
    for (const [, key, index] of path.matchAll(/\.([A-Za-z_$][\w$]*)|\[(\d+)\]/g)) {
      value = (value as Record<string, unknown>)[(key ?? index) as string];
      if (value === undefined) throw new Error(`inline: ${whole} is undefined`);
    }
    if (!path.endsWith('.properties')) return JSON.stringify(value);
    const keys = Object.keys(value as object);
    if (keys.includes('__proto__')) throw new Error(`inline: ${whole} names __proto__`);
    keySets.push(`const keys${keySets.length} = {${keys.map((k) => `${JSON.stringify(k)}:0`).join(',')}};`);
    return `keys${keySets.length - 1}`;
  });
  if (/\bschema\d+\b/.test(out)) throw new Error('inline: a schema constant is still read');
  return keySets.join('') + out;
}

const PROBES = new Set(['if', 'then', 'else', 'not', 'anyOf', 'oneOf', 'contains']);
/** Keywords whose values are data, not schemas. */
const DATA = new Set(['const', 'enum', 'default', 'examples', 'required']);

/**
 * A definition referenced inside `if`/`then`/`else` (or another probe) is inlined there, as ajv
 * would by default: a failed call reports the callee's errors plus the probe's own, an inlined
 * copy only the probe's, and the errors must stay the ones the full schemas give.
 */
function inlineRefsInProbes(defs: Record<string, unknown>): Record<string, unknown> {
  const resolve = (ref: string): unknown => {
    const title = /^#\/\$defs\/(\w+)$/.exec(ref)?.[1];
    if (title === undefined || !(title in defs)) throw new Error(`inline: unresolved $ref ${ref}`);
    return defs[title];
  };
  const walk = (node: unknown, inProbe: boolean): unknown => {
    if (Array.isArray(node)) return node.map((n) => walk(n, inProbe));
    if (node === null || typeof node !== 'object') return node;
    const entries = Object.entries(node);
    const ref = (node as { $ref?: unknown }).$ref;
    if (inProbe && typeof ref === 'string') {
      if (entries.length !== 1) throw new Error(`inline: $ref ${ref} has sibling keywords`);
      return walk(resolve(ref), true);
    }
    return Object.fromEntries(
      entries.map(([key, value]) => {
        if (DATA.has(key)) return [key, value];
        return [key, key === 'properties' ? mapValues(value, (v) => walk(v, inProbe)) : walk(value, inProbe || PROBES.has(key))];
      }),
    );
  };
  return Object.fromEntries(Object.entries(defs).map(([title, schema]) => [title, walk(schema, false)]));
}
