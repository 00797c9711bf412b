/**
 * The README's TypeScript blocks as compilable modules, and their type errors told in README terms
 * (the heading the block sits under, the README line of the error).
 *
 * A block may use names it does not define (`client`, `sessionId`, the reader's own `render`) only
 * when a hidden `<!-- context … -->` comment right above it declares them. The context may hold
 * nothing but ambient declarations (`declare const …`, types): never an import or code a reader
 * would not paste, so what compiles here is what the block's own imports make compile.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import ts from 'typescript';

export interface Snippet {
  /** The nearest heading above the block, e.g. `### Turns`. */
  readonly heading: string;
  /** README line of the block's first code line (1-based). */
  readonly line: number;
  readonly code: string;
  /** Declarations from the `<!-- context … -->` comment above the block; `''` when none. */
  readonly context: string;
}

const FENCE = /^```(\w*)\s*$/;
const CONTEXT_OPEN = /^<!--\s*context\b/;

/** Every ```ts / ```typescript block of a Markdown text, in order. */
export function extractSnippets(markdown: string): Snippet[] {
  const lines = markdown.split('\n');
  const snippets: Snippet[] = [];
  let heading = '(top)';
  let context = '';
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!;
    if (/^#{1,6} /.test(text)) {
      heading = text.trim();
      context = '';
      continue;
    }
    if (CONTEXT_OPEN.test(text)) {
      const body: string[] = [text.replace(CONTEXT_OPEN, '')];
      while (!body[body.length - 1]!.includes('-->') && i + 1 < lines.length) body.push(lines[++i]!);
      body[body.length - 1] = body[body.length - 1]!.replace(/-->.*$/, '');
      context = body.join('\n').trim();
      continue;
    }
    const fence = FENCE.exec(text);
    if (fence === null) {
      // A context belongs to the block right below it (blank lines allowed).
      if (text.trim() !== '') context = '';
      continue;
    }
    const start = i + 1;
    let end = start;
    while (end < lines.length && !/^```\s*$/.test(lines[end]!)) end++;
    if (fence[1] === 'ts' || fence[1] === 'typescript') {
      snippets.push({ heading, line: start + 1, code: lines.slice(start, end).join('\n'), context });
    }
    context = '';
    i = end;
  }
  return snippets;
}

/** Where a snippet is, for messages: `### Turns, README line 83`. */
export function describeSnippet(snippet: Snippet): string {
  return `${snippet.heading}, README line ${snippet.line}`;
}

/**
 * The statements of a context that are not ambient declarations: each one would be code or an
 * import the reader never sees.
 */
export function nonDeclarations(context: string): string[] {
  const file = ts.createSourceFile('context.ts', context, ts.ScriptTarget.ES2022, true);
  return file.statements
    .filter((statement) => {
      if (ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement)) return false;
      const modifiers = ts.canHaveModifiers(statement) ? ts.getModifiers(statement) : undefined;
      return !(modifiers ?? []).some((m) => m.kind === ts.SyntaxKind.DeclareKeyword);
    })
    .map((statement) => statement.getText(file));
}

export interface SnippetError {
  readonly snippet: Snippet;
  /** README line of the error (the block's line for an error in its context). */
  readonly line: number;
  /** `TS2304: Cannot find name 'Auth'.` */
  readonly message: string;
}

const ROOT = resolve(__dirname, '../..');

/**
 * The repository's own compiler options (strict, DOM and Node types, `paths` mapping the
 * package's entries to its sources), so a block compiles against the package as published.
 */
function compilerOptions(): ts.CompilerOptions {
  const configPath = join(ROOT, 'tsconfig.json');
  const config = ts.readConfigFile(configPath, (path) => readFileSync(path, 'utf8'));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, dirname(configPath));
  return { ...parsed.options, noEmit: true, strict: true, skipLibCheck: true, moduleDetection: ts.ModuleDetectionKind.Force };
}

/**
 * Type-checks every snippet in one program: each is its own ES module (`.mts`, so top-level
 * `await` works as in a reader's ESM file), kept in memory under the repository so `rxjs` and
 * `@angular/*` resolve from its `node_modules`.
 */
export function typeCheck(snippets: readonly Snippet[]): SnippetError[] {
  const dir = join(ROOT, 'test', 'docs', '.readme-snippets');
  const files = new Map<string, { snippet: Snippet; source: string; contextLines: number }>();
  snippets.forEach((snippet, i) => {
    const context = snippet.context === '' ? '' : `${snippet.context}\n`;
    files.set(join(dir, `block-${i + 1}.mts`), {
      snippet,
      source: `${context}${snippet.code}\n`,
      contextLines: context === '' ? 0 : context.split('\n').length - 1,
    });
  });
  const options = compilerOptions();
  const host = ts.createCompilerHost(options, true);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (path) => files.get(resolve(path))?.source ?? readFile(path);
  host.fileExists = (path) => files.has(resolve(path)) || fileExists(path);
  host.getSourceFile = (path, language, onError, create) => {
    const file = files.get(resolve(path));
    return file !== undefined ? ts.createSourceFile(path, file.source, language, true) : getSourceFile(path, language, onError, create);
  };
  const program = ts.createProgram({ rootNames: [...files.keys()], options, host });
  const diagnostics = ts.getPreEmitDiagnostics(program);
  const errors: SnippetError[] = [];
  for (const diagnostic of diagnostics) {
    if (diagnostic.category !== ts.DiagnosticCategory.Error) continue;
    const message = `TS${diagnostic.code}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
    const file = diagnostic.file !== undefined ? files.get(resolve(diagnostic.file.fileName)) : undefined;
    if (file === undefined) {
      // An error outside the blocks (the package's own sources, a setting): every block is suspect.
      const where = diagnostic.file !== undefined ? ` (in ${diagnostic.file.fileName})` : '';
      errors.push({ snippet: snippets[0]!, line: snippets[0]!.line, message: `${message}${where}` });
      continue;
    }
    const { line } = diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
    const inBlock = line - file.contextLines;
    errors.push({ snippet: file.snippet, line: inBlock < 0 ? file.snippet.line - 1 : file.snippet.line + inBlock, message: inBlock < 0 ? `in its context: ${message}` : message });
  }
  return errors;
}

/** One line per error: `README line 93 (in "### Turns", block at line 83): TS2304: Cannot find name 'client'.` */
export function formatErrors(errors: readonly SnippetError[]): string {
  return errors.map((e) => `README line ${e.line} (in "${e.snippet.heading}", block at line ${e.snippet.line}): ${e.message}`).join('\n');
}
