/**
 * Whole lines of the chat fitted to the terminal's width: wrapped between words (a word wider
 * than the line is cut), styles kept across the break, continuation lines hung under the text.
 * `wrap-ansi` measures with `string-width`, so ANSI styles take no room and wide characters
 * (emoji, CJK) take two columns.
 */
import stringWidth from 'string-width';
import wrapAnsi from 'wrap-ansi';

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/y;

/**
 * The leading part that continuation lines hang under: the indent and a marker (`✗ `, `⚙ `,
 * `[2] `, `1) `, `3. `, a label such as `usage: `). Text without one hangs under its indent.
 */
const HEAD = /^( *)((?:[^\p{L}\p{N}\s]{1,2}|\[\d+\]|\d+[.)]|[a-z]+:) )?/u;

/** The first column of a two-column line and the spaces after it (at least two). */
const COLUMN = /^ *\S(?:.*?\S)? {2,}(?=\S)/u;

/** Where the visible column `column` starts in `text` (ANSI sequences take no column). */
function indexAtColumn(text: string, column: number): number {
  let seen = 0;
  let i = 0;
  while (i < text.length && seen < column) {
    ANSI.lastIndex = i;
    const escape = ANSI.exec(text);
    if (escape !== null) {
      i += escape[0].length;
      continue;
    }
    const char = String.fromCodePoint(text.codePointAt(i)!);
    seen += stringWidth(char);
    i += char.length;
  }
  // Styles opened right at the cut belong with the text after it.
  return i;
}

const stripAnsi = (text: string): string => text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, ''); // eslint-disable-line no-control-regex

/**
 * `line` (one line, no newline) wrapped to `columns`: `  ✗ a long error …` continues under `a`.
 * Trailing spaces are kept (a prompt's). Without a width, the line is returned as it is.
 */
export function fitLine(line: string, columns: number | undefined): string {
  if (columns === undefined || columns <= 0) return line;
  const trailing = /\s*$/.exec(line)![0];
  const text = line.slice(0, line.length - trailing.length);
  const visible = stripAnsi(text);
  if (stringWidth(visible) <= columns) return line;
  let hang = stringWidth(HEAD.exec(visible)![0]);
  // A two-column line (`  --url URL     server URL`, as in --help): hang under the second column.
  const column = COLUMN.exec(visible);
  if (column !== null && stringWidth(column[0]) <= columns - 20) hang = stringWidth(column[0]);
  // A head that leaves too little room would make a column of single words: hang less.
  if (columns - hang < 20) hang = Math.min(hang, Math.max(0, columns - 20));
  const cut = indexAtColumn(text, hang);
  const body = wrapAnsi(text.slice(cut), columns - hang, { hard: true });
  const pad = ' '.repeat(hang);
  return `${text.slice(0, cut)}${body.split('\n').join(`\n${pad}`)}${trailing}`;
}

/** {@link fitLine} for each line of `text`. */
export function fitText(text: string, columns: number | undefined): string {
  if (columns === undefined) return text;
  return text
    .split('\n')
    .map((line) => fitLine(line, columns))
    .join('\n');
}
