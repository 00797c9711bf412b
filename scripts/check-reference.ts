/**
 * CI step: validates the reference frames beside the repository (../shared/protocol, or
 * $SMOOTH_PROTOCOL_DIR) with the generated validators: every `instance` of fixtures.json that is
 * a frame or a reply object we have a schema for, and every c2s/s2c frame of recorded/*.jsonl.
 * Prints how many it checked; exits 1 on any rejection. The data is read, never copied in.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateAction, validateEvent, validateWith, type ValidationResult } from '../src/validation/validate.js';
import { objectValidators } from '../src/generated/validators/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = process.env.SMOOTH_PROTOCOL_DIR ?? path.join(root, '..', 'shared', 'protocol');

// Upstream schema names (fixtures' $schema_ref) → our object schemas.
const objectByRef: Record<string, keyof typeof objectValidators> = {
  'actions/create-conversation-session.schema.json#/$defs/Response': 'Session',
  'interactions/identity-intake.schema.json#/$defs/Spec': 'IdentityIntakeSpec',
  'interactions/identity-intake.schema.json#/$defs/Values': 'IdentityIntakeValues',
  'interactions/choices.schema.json#/$defs/Spec': 'ChoicesSpec',
  'interactions/choices.schema.json#/$defs/Values': 'ChoicesValues',
};

let checked = 0;
let skipped = 0;
const failures: string[] = [];

function check(where: string, result: ValidationResult<unknown>): void {
  checked++;
  if (result.valid) return;
  failures.push(`${where}: ${result.unknownType ? `unknown type ${result.type}` : result.errors.map((e) => e.message).join('; ')}`);
}

function validateFrame(where: string, frame: unknown): void {
  const isAction = typeof frame === 'object' && frame !== null && 'action' in frame;
  check(where, isAction ? validateAction(frame) : validateEvent(frame));
}

if (!existsSync(dir)) {
  console.log(`reference: ${dir} not found, nothing checked`);
  process.exit(0);
}

const fixturesFile = path.join(dir, 'fixtures.json');
if (existsSync(fixturesFile)) {
  const fixtures = JSON.parse(readFileSync(fixturesFile, 'utf8')) as Record<string, { $schema_ref?: string; instance?: unknown }>;
  for (const [name, entry] of Object.entries(fixtures)) {
    if (typeof entry !== 'object' || entry === null || !('instance' in entry)) continue;
    const instance = entry.instance as Record<string, unknown>;
    const object = entry.$schema_ref ? objectByRef[entry.$schema_ref] : undefined;
    if ('type' in instance || 'action' in instance) validateFrame(`fixtures.json ${name}`, instance);
    else if (object) check(`fixtures.json ${name} (${object})`, validateWith(objectValidators[object], instance));
    else skipped++;
  }
}

const recordedDir = path.join(dir, 'recorded');
if (existsSync(recordedDir)) {
  for (const file of readdirSync(recordedDir).filter((f) => f.endsWith('.jsonl')).sort()) {
    readFileSync(path.join(recordedDir, file), 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .forEach((line, i) => {
        const record = JSON.parse(line) as { dir: string; frame?: unknown };
        if (record.dir === 'c2s' || record.dir === 's2c') validateFrame(`recorded/${file}:${i + 1} ${record.dir}`, record.frame);
      });
  }
}

for (const failure of failures) console.error(`REJECTED ${failure}`);
console.log(`reference: checked ${checked} frames/objects from ${dir} (${skipped} fixtures with no schema of ours), ${failures.length} rejected`);
process.exit(failures.length > 0 ? 1 : 0);
