/**
 * spec/ → src/generated/: TypeScript types (quicktype), the ClientAction / ServerEvent unions and
 * their type-indexed lookups, and one validator per message (validators.ts: a schema description
 * that src/validation/compile.ts turns into closures), so that no ajv and no `new Function` runs
 * at run time.
 *
 *   npm run codegen          write src/generated/
 *   npm run codegen:check    fail when src/generated/ differs from what spec/ produces
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FetchingJSONSchemaStore, InputData, JSONSchemaInput, quicktype } from 'quicktype-core';
import { bundle, loadSpec, type SpecFile } from './spec.js';
import { generateValidators } from './validators.js';

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

async function generate(): Promise<Map<string, string>> {
  const files = loadSpec(specDir);
  const { $defs } = bundle(files);
  const out = new Map<string, string>();
  out.set('types.ts', HEADER + '\n' + (await generateTypes(files, $defs)) + unions(files));
  for (const [name, code] of generateValidators(files, $defs)) out.set(name, HEADER + code);
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
