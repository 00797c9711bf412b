/**
 * spec/ → src/generated/: TypeScript types (quicktype), the ClientAction / ServerEvent unions and
 * their type-indexed lookups, and one precompiled ajv validator module per message, so that no
 * schema is compiled (and no `new Function` runs) at run time.
 *
 *   npm run codegen          write src/generated/
 *   npm run codegen:check    fail when src/generated/ differs from what spec/ produces
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FetchingJSONSchemaStore, InputData, JSONSchemaInput, quicktype } from 'quicktype-core';
// ajv ships CommonJS with the export on `.default` as well; NodeNext types only see that one.
import AjvModule from 'ajv';
import Ajv2020Module from 'ajv/dist/2020.js';
import standaloneModule from 'ajv/dist/standalone/index.js';

const Ajv = AjvModule.default;
const Ajv2020 = Ajv2020Module.default;
const standaloneCode = standaloneModule.default;
import { bundle, loadSpec, stripAnnotations, type SpecFile } from './spec.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const specDir = path.join(root, 'spec');
const outDir = path.join(root, 'src', 'generated');
const HEADER = '// DO NOT EDIT: generated from spec/ by `npm run codegen` (codegen/generate.ts).\n';
const ROOT_TYPE = 'SmoothProtocolBundleRoot';

const pascal = (base: string) => base.replace(/(^|-)([a-z0-9])/g, (_m, _d, c: string) => c.toUpperCase());

async function generateTypes(files: SpecFile[], defs: Record<string, unknown>): Promise<string> {
  // One source whose root references every definition: shared objects become one type each.
  const rootSchema = {
    $defs: defs,
    type: 'object',
    properties: Object.fromEntries(files.map((f) => [f.title, { $ref: `#/$defs/${f.title}` }])),
  };
  const input = new JSONSchemaInput(new FetchingJSONSchemaStore());
  await input.addSource({ name: ROOT_TYPE, schema: JSON.stringify(rootSchema) });
  const inputData = new InputData();
  inputData.addInput(input);
  const result = await quicktype({
    inputData,
    lang: 'typescript',
    inferDateTimes: false,
    rendererOptions: { 'just-types': 'true', 'prefer-const-values': 'true', 'prefer-unions': 'true' },
  });
  let code = result.lines.join('\n');
  const rootStart = code.indexOf(`export interface ${ROOT_TYPE} {`);
  const rootEnd = code.indexOf('\n}\n', rootStart);
  if (rootStart < 0 || rootEnd < 0) throw new Error('quicktype output has no bundle root');
  code = code.slice(0, rootStart) + code.slice(rootEnd + 3).replace(/^\n+/, '');
  // Wire objects are open at run time (servers add fields); the types name only what we know,
  // so a misspelt property is a compile error instead of an `unknown`.
  code = code.replace(/^\s*\[property: string\]: unknown;\n/gm, '');
  for (const f of files) {
    if (new RegExp(`export (interface|type) ${f.title}\\b`).test(code)) continue;
    // quicktype inlines a pure map ({ [key: string]: unknown }); the spec names it, so we do too.
    if (f.schema.additionalProperties === true && f.schema.properties === undefined) {
      code += `\n/** ${String(f.schema.description ?? f.title)} */\nexport type ${f.title} = { [key: string]: unknown };\n`;
    } else {
      throw new Error(`quicktype did not emit ${f.title}`);
    }
  }
  return code.trimEnd() + '\n';
}

function unions(files: SpecFile[]): string {
  const events = files.filter((f) => f.group === 'events');
  const actions = files.filter((f) => f.group === 'actions');
  const map = (name: string, list: SpecFile[]) =>
    `export interface ${name} {\n${list.map((f) => `    ${f.discriminator}: ${f.title};`).join('\n')}\n}\n`;
  return [
    '\n/** Every event a server sends, discriminated on `type`. */',
    `export type ServerEvent =\n${events.map((f) => `    | ${f.title}`).join('\n')};\n`,
    '/** Every action a client sends, discriminated on `action`. */',
    `export type ClientAction =\n${actions.map((f) => `    | ${f.title}`).join('\n')};\n`,
    '/** Event type → event interface. */',
    map('ServerEventMap', events),
    '/** Action name → action interface. */',
    map('ClientActionMap', actions),
    'export type ServerEventType = keyof ServerEventMap;',
    'export type ClientActionName = keyof ClientActionMap;',
    '/** The event interface of one `type`, e.g. `ServerEventOf<\'stream_token\'>`. */',
    'export type ServerEventOf<T extends ServerEventType> = ServerEventMap[T];',
    '/** The action interface of one `action`, e.g. `ClientActionOf<\'send_message\'>`. */',
    'export type ClientActionOf<A extends ClientActionName> = ClientActionMap[A];\n',
    `export const SERVER_EVENT_TYPES = [${events.map((f) => `'${f.discriminator}'`).join(', ')}] as const satisfies readonly ServerEventType[];`,
    `export const CLIENT_ACTION_NAMES = [${actions.map((f) => `'${f.discriminator}'`).join(', ')}] as const satisfies readonly ClientActionName[];\n`,
  ].join('\n');
}

function generateValidators(files: SpecFile[], defs: Record<string, unknown>): Map<string, string> {
  const out = new Map<string, string>();
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
    // Messages are composed at run time from keyword and params (src/validation/validate.ts):
    // ajv's message strings would be most of every validator's bytes.
    messages: false,
    // Servers validate formats (email, date-time); the client checks shape only, and needs no
    // ajv-formats at run time.
    validateFormats: false,
  });
  ajv.addSchema({ $id: 'smooth', $defs: stripAnnotations(defs) });
  for (const f of files) {
    let code = standaloneCode(ajv, { validate: `smooth#/$defs/${f.title}` });
    // ajv's string-length helper is CommonJS; ours is the same function as an ES module.
    code = code.replace(
      /const (\w+) = require\("ajv\/dist\/runtime\/ucs2length"\)\.default;/g,
      'import { ucs2length as $1 } from "../../validation/ucs2length.js";',
    );
    if (/require\(/.test(code)) throw new Error(`${f.title}: standalone code still requires a module`);
    code = code.replace(/^"use strict";/, '');
    // schemaPath is never read; each error literal would carry it.
    code = code.replace(/schemaPath:"[^"]*",/g, '');
    code = code.replace(
      /export const validate = (\w+);/,
      `export const validate: CompiledValidator = $1 as unknown as CompiledValidator;`,
    );
    out.set(
      `validators/${f.base}.ts`,
      `${HEADER}// Validates ${f.title}.\n// @ts-nocheck\nimport type { CompiledValidator } from "../../validation/compiled.js";\n${code}\n`,
    );
  }
  const imports = files.map((f, i) => `import { validate as v${i} } from './${f.base}.js';`).join('\n');
  const entries = (group: string) =>
    files
      .map((f, i) => [f, i] as const)
      .filter(([f]) => f.group === group)
      .map(([f, i]) => `    ['${f.discriminator}', v${i}],`)
      .join('\n');
  const objects = files
    .map((f, i) => [f, i] as const)
    .filter(([f]) => f.group === 'objects' || f.group === 'interactions')
    .map(([f, i]) => `    ${f.title}: v${i},`)
    .join('\n');
  out.set(
    'validators/index.ts',
    `${HEADER}import type { CompiledValidator } from '../../validation/compiled.js';\n${imports}\n\n` +
      `/** Event \`type\` → its validator. A Map: a \`type\` such as "__proto__" must not reach Object.prototype. */\n` +
      `export const eventValidators: ReadonlyMap<string, CompiledValidator> = new Map<string, CompiledValidator>([\n${entries('events')}\n]);\n\n` +
      `/** Action name → its validator. */\n` +
      `export const actionValidators: ReadonlyMap<string, CompiledValidator> = new Map<string, CompiledValidator>([\n${entries('actions')}\n]);\n\n` +
      `/** Validators of the objects replies carry and of the interaction kinds, by type name. */\n` +
      `export const objectValidators = {\n${objects}\n} as const satisfies Record<string, CompiledValidator>;\n`,
  );
  return out;
}

async function generate(): Promise<Map<string, string>> {
  const files = loadSpec(specDir);
  const { $defs } = bundle(files);
  const out = new Map<string, string>();
  out.set('types.ts', HEADER + '\n' + (await generateTypes(files, $defs)) + unions(files));
  for (const [name, code] of generateValidators(files, $defs)) out.set(name, code);
  return out;
}

function listFiles(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );
}

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const generated = await generate();
  if (!check) {
    rmSync(outDir, { recursive: true, force: true });
    for (const [name, code] of generated) {
      mkdirSync(path.dirname(path.join(outDir, name)), { recursive: true });
      writeFileSync(path.join(outDir, name), code);
    }
    console.log(`codegen: wrote ${generated.size} files to src/generated/`);
    return;
  }
  const problems: string[] = [];
  for (const [name, code] of generated) {
    const file = path.join(outDir, name);
    if (!existsSync(file)) problems.push(`missing: ${name}`);
    else if (readFileSync(file, 'utf8') !== code) problems.push(`differs: ${name}`);
  }
  for (const name of listFiles(outDir)) if (!generated.has(name)) problems.push(`not generated by spec/: ${name}`);
  // On disk is not enough: a regenerated file that was never committed is missing from a clone.
  if (existsSync(path.join(root, '.git'))) {
    const status = execFileSync('git', ['status', '--porcelain', '--', 'src/generated'], { cwd: root, encoding: 'utf8' });
    for (const line of status.split('\n').filter(Boolean)) problems.push(`not committed: ${line.slice(3)}`);
  }
  if (problems.length > 0) {
    console.error(`codegen:check: src/generated/ is out of date with spec/ (run npm run codegen and commit):\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  console.log(`codegen:check: ${generated.size} generated files match spec/`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
