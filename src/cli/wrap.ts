/** Word wrapping of the chat's streamed text (used by `TurnRenderer`). */

/**
 * Word wrapping of streamed text at the terminal width: lines break between words, continuation
 * lines are indented, and a word longer than a whole line is cut. A piece may end mid-word, so
 * the last word is held back until a space, a newline or {@link flush} shows where it ends.
 * Without a width, text is only indented after its newlines and nothing is held back.
 */
export class WordWrap {
  private column: number;
  private lineEmpty = true;
  private word = '';
  private space = '';
  private readonly width: number;

  constructor(
    width: number | undefined,
    /** Where the first line's text starts (after the prefix). */
    startColumn: number,
    private readonly indent: number,
  ) {
    this.column = startColumn;
    // A terminal too narrow for the indent would never fit a character.
    this.width = width === undefined || width <= 0 ? Infinity : Math.max(width, indent + 10);
  }

  /** The next piece of text, as it should be written now. */
  push(text: string): string {
    if (this.width === Infinity) return text.replace(/\n/g, `\n${' '.repeat(this.indent)}`);
    const tokens = (this.word + text).match(/\n|[^\S\n]+|\S+/g) ?? [];
    this.word = '';
    let out = '';
    tokens.forEach((token, i) => {
      if (token === '\n') out += this.breakLine();
      else if (/^\s/.test(token)) this.space += token;
      else if (i === tokens.length - 1) this.word = token; // it may go on in the next piece
      else out += this.placeWord(token);
    });
    return out;
  }

  /** The held-back word, at the end of the stream. */
  flush(): string {
    const out = this.word === '' ? '' : this.placeWord(this.word);
    this.word = '';
    this.space = '';
    return out;
  }

  private breakLine(): string {
    this.column = this.indent;
    this.lineEmpty = true;
    this.space = '';
    return `\n${' '.repeat(this.indent)}`;
  }

  private placeWord(word: string): string {
    const chars = Array.from(word);
    let out = '';
    const fits = this.column + this.space.length + chars.length <= this.width;
    if (!fits && !this.lineEmpty && chars.length <= this.width - this.indent) out += this.breakLine();
    else if (this.column + this.space.length >= this.width) out += this.breakLine();
    else {
      out += this.space;
      this.column += this.space.length;
    }
    this.space = '';
    // Only a word longer than the room left goes round more than once: cut at the width.
    for (let rest = chars; rest.length > 0; ) {
      if (this.column >= this.width) out += this.breakLine();
      const piece = rest.slice(0, this.width - this.column);
      out += piece.join('');
      this.column += piece.length;
      rest = rest.slice(piece.length);
    }
    this.lineEmpty = false;
    return out;
  }
}
