/**
 * Loads spec/ and bundles it into one document whose `$defs` are keyed by each schema's title.
 * Both generators (quicktype, ajv) read the bundle so that neither depends on how a tool resolves
 * relative file references, and a shared object such as Citation becomes one type, not one per use.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export type JsonSchema = { [key: string]: unknown };

export type SpecGroup = 'actions' | 'events' | 'objects' | 'interactions';
export const SPEC_GROUPS: readonly SpecGroup[] = ['actions', 'events', 'objects', 'interactions'];

export interface SpecFile {
  group: SpecGroup;
  /** File name without `.schema.json`, e.g. `stream-token`. */
  base: string;
  /** The schema's title: the TypeScript type name. */
  title: string;
  /** `type` of an event or `action` of an action; undefined for objects. */
  discriminator?: string;
  schema: JsonSchema;
}

export function loadSpec(specDir: string): SpecFile[] {
  const files: SpecFile[] = [];
  for (const group of SPEC_GROUPS) {
    const dir = path.join(specDir, group);
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.schema.json')).sort()) {
      const schema = JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as JsonSchema;
      const title = schema.title;
      if (typeof title !== 'string') throw new Error(`${group}/${name}: a root schema needs a title`);
      files.push({ group, base: name.replace(/\.schema\.json$/, ''), title, discriminator: discriminatorOf(group, schema), schema });
    }
  }
  const titles = new Set<string>();
  for (const f of files) {
    if (titles.has(f.title)) throw new Error(`duplicate title ${f.title}`);
    titles.add(f.title);
  }
  return files;
}

function discriminatorOf(group: SpecGroup, schema: JsonSchema): string | undefined {
  if (group !== 'events' && group !== 'actions') return undefined;
  const key = group === 'events' ? 'type' : 'action';
  const props = schema.properties as Record<string, { const?: unknown }> | undefined;
  const value = props?.[key]?.const;
  if (typeof value !== 'string') throw new Error(`${schema.title}: ${key} must be a const string`);
  return value;
}

/** One document holding every schema under `$defs[title]`, file references rewritten to `#/$defs/<title>`. */
export function bundle(files: SpecFile[]): { $defs: Record<string, JsonSchema> } {
  const byPath = new Map(files.map((f) => [`${f.group}/${f.base}.schema.json`, f.title]));
  const $defs: Record<string, JsonSchema> = {};
  for (const f of files) {
    const rewritten = rewriteRefs(f.schema, f.group, byPath) as JsonSchema;
    delete rewritten.$schema;
    $defs[f.title] = rewritten;
  }
  return { $defs };
}

function rewriteRefs(node: unknown, group: SpecGroup, byPath: Map<string, string>): unknown {
  if (Array.isArray(node)) return node.map((n) => rewriteRefs(n, group, byPath));
  if (node === null || typeof node !== 'object') return node;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string' && !value.startsWith('#')) {
      const target = path.posix.normalize(path.posix.join(group, value));
      const title = byPath.get(target);
      if (!title) throw new Error(`unresolved $ref ${value} (from ${group}/)`);
      out[key] = `#/$defs/${title}`;
    } else {
      out[key] = rewriteRefs(value, group, byPath);
    }
  }
  return out;
}
