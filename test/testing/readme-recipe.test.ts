/**
 * The README's "Testing an integration" recipe runs in CI: each of its TypeScript blocks is,
 * word for word, a region of a test file here (`// #region readme:<name>` … `// #endregion`),
 * named by the `<!-- readme-recipe: <file>#<name> -->` comment above the block.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const README = readFileSync(resolve(ROOT, 'README.md'), 'utf8');
const MARKER = /^<!-- readme-recipe: (\S+)#(\S+) -->$/;

interface Block {
  readonly file: string;
  readonly region: string | undefined;
  readonly code: string;
}

/** The fenced TypeScript blocks of a Markdown section, with the recipe marker above each, if any. */
function blocksOf(section: string): Block[] {
  const lines = section.split('\n');
  const blocks: Block[] = [];
  let marker: RegExpExecArray | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    marker = MARKER.exec(line) ?? marker;
    if (!/^```ts\s*$/.test(line)) continue;
    let end = i + 1;
    while (!/^```\s*$/.test(lines[end]!)) end++;
    blocks.push({ file: marker?.[1] ?? '', region: marker?.[2], code: lines.slice(i + 1, end).join('\n') });
    marker = null;
    i = end;
  }
  return blocks;
}

/** The text between `// #region readme:<name>` and the next `// #endregion`. */
function regionOf(file: string, name: string): string | undefined {
  const text = readFileSync(resolve(ROOT, file), 'utf8');
  const start = text.indexOf(`// #region readme:${name}\n`);
  if (start < 0) return undefined;
  const from = text.indexOf('\n', start) + 1;
  return text.slice(from, text.indexOf('// #endregion', from)).replace(/\n+$/, '');
}

function regionNames(file: string): string[] {
  return [...readFileSync(resolve(ROOT, file), 'utf8').matchAll(/\/\/ #region readme:(\S+)/g)].map((m) => m[1]!);
}

const section = README.slice(README.indexOf('### Testing an integration'), README.indexOf('\n## ', README.indexOf('### Testing an integration')));
const blocks = blocksOf(section);

it('every TypeScript block of the recipe names the test region it is', () => {
  expect(blocks.length).toBeGreaterThanOrEqual(4);
  expect(blocks.filter((b) => b.region === undefined).map((b) => b.code.split('\n')[0])).toEqual([]);
});

it.each(blocks.filter((b) => b.region !== undefined).map((b) => [`${b.file}#${b.region!}`, b] as const))('%s is in the README word for word', (_name, block) => {
  expect(block.code).toBe(regionOf(block.file, block.region!));
});

it('every readme region of the recipe test files is shown in the README', () => {
  const files = ['test/testing/recipe.integration.ts', 'test/testing/recipe.marble.test.ts', 'test/testing/recipe.mock-server.test.ts', 'test/chat/chat-testing-kit.test.ts'];
  const regions = files.flatMap((file) => regionNames(file).map((name) => `${file}#${name}`));
  expect(regions.sort()).toEqual(blocks.map((b) => `${b.file}#${b.region ?? ''}`).sort());
});

// A block pasted into a fresh project compiles with its own imports plus the reader's own code
// (askSupport, the server and client of the block before): only those may be hidden.
it('a recipe block imports every library type it uses: its hidden context declares no library type', () => {
  const contexts = [...section.matchAll(/<!-- readme-recipe: (\S+) -->\n<!-- context\n([\s\S]*?)-->/g)].map((m) => ({ block: m[1]!, context: m[2]! }));
  expect(contexts.length).toBeGreaterThan(0);
  const hidden = contexts.flatMap(({ block, context }) => [...context.matchAll(/^type (\w+) = import\('smooth-operator-rx[^']*'\)/gm)].map((m) => `${block}: ${m[1]!}`));
  expect(hidden).toEqual([]);
});
