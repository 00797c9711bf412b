/**
 * The README is what a newcomer pastes: every TypeScript block in it compiles (strict) against
 * the package's sources, given only its own imports and the names a hidden context declares.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describeSnippet, extractSnippets, formatErrors, nonDeclarations, typeCheck } from './snippets.js';

jest.setTimeout(120_000);

const README = readFileSync(resolve(__dirname, '../../README.md'), 'utf8');
const snippets = extractSnippets(README);

describe('the README', () => {
  test('has TypeScript blocks to check (the extraction finds them)', () => {
    expect(snippets.length).toBeGreaterThanOrEqual(10);
    expect(snippets.map((s) => s.heading)).toEqual(expect.arrayContaining(['## Quick start', '## Angular (`smooth-operator-rx/angular`)']));
  });

  test('every TypeScript block type-checks as pasted (strict), Angular ones included', () => {
    const errors = typeCheck(snippets);
    // The message names each failing block (heading and line) and the compiler's error.
    if (errors.length > 0) throw new Error(`${errors.length} type error(s) in the README's TypeScript blocks:\n${formatErrors(errors)}`);
  });

  test('a block context only declares names (no import, no code a reader would not see)', () => {
    const smuggled = snippets.flatMap((s) => nonDeclarations(s.context).map((statement) => `${describeSnippet(s)}: ${statement}`));
    expect(smuggled).toEqual([]);
  });

  test('says how to install, and which Node the library and the Angular CLI need, before the first example', () => {
    const beforeQuickStart = README.slice(0, README.indexOf('## Quick start'));
    expect(beforeQuickStart).toContain('npm install smooth-operator-rx rxjs');
    expect(beforeQuickStart).toMatch(/Node(?:\.js)? 20/);
    expect(beforeQuickStart).toMatch(/Angular CLI 22[^.]*Node(?:\.js)? ≥ ?22\.22/);
  });
});

describe('the snippet checker', () => {
  // The checker must be able to fail: a block with a type error is reported with its place.
  test('reports a broken block by heading, README line and compiler error', () => {
    const markdown = ['# Title', '', '## Broken', '', '```ts', "import { of } from 'rxjs';", 'const n: number = of(1);', '```', ''].join('\n');
    const errors = typeCheck(extractSnippets(markdown));
    expect(formatErrors(errors)).toMatch(/^README line 7 \(in "## Broken", block at line 6\): TS2322: Type 'Observable<number>' is not assignable to type 'number'/);
  });

  test('a context declares what the block uses, and only blocks right below it', () => {
    const markdown = [
      '## Given',
      '<!-- context',
      "declare const client: import('smooth-operator-rx').SmoothClient;",
      '-->',
      '```ts',
      'client.close();',
      '```',
      '',
      '```ts',
      'client.close();',
      '```',
    ].join('\n');
    const found = extractSnippets(markdown);
    expect(found.map((s) => s.context !== '')).toEqual([true, false]);
    expect(formatErrors(typeCheck(found))).toBe(`README line 10 (in "## Given", block at line 10): TS2304: Cannot find name 'client'.`);
  });

  test('a context that imports or runs code is caught', () => {
    expect(nonDeclarations("import { of } from 'rxjs';\ndeclare const a: number;\ntype T = string;\nconst b = 1;")).toEqual(["import { of } from 'rxjs';", 'const b = 1;']);
  });
});
