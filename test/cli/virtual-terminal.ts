/**
 * What a person would see: the chat's raw output played on a grid of `columns`, with the cursor
 * moves and erases the chat and readline use (CR, LF, CSI A/B/C/D/G/J/K; styles ignored). Text
 * that reaches the right edge wraps to the next row, as terminals do.
 */
export function renderTerminal(raw: string, columns: number): string[] {
  const rows: string[][] = [[]];
  let row = 0;
  let col = 0;
  let pendingWrap = false;
  const ensure = (r: number): string[] => {
    while (rows.length <= r) rows.push([]);
    return rows[r]!;
  };
  const chars = Array.from(raw);
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (ch === '\u001b' && chars[i + 1] === '[') {
      let j = i + 2;
      let params = '';
      while (j < chars.length && /[0-9;?]/.test(chars[j]!)) params += chars[j++];
      const command = chars[j];
      i = j;
      const n = params === '' ? undefined : Number(params.replace('?', '').split(';')[0]);
      pendingWrap = false;
      switch (command) {
        case 'A':
          row = Math.max(0, row - (n ?? 1));
          break;
        case 'B':
          row += n ?? 1;
          ensure(row);
          break;
        case 'C':
          col = Math.min(columns - 1, col + (n ?? 1));
          break;
        case 'D':
          col = Math.max(0, col - (n ?? 1));
          break;
        case 'G':
          col = Math.max(0, (n ?? 1) - 1);
          break;
        case 'K': {
          const line = ensure(row);
          if ((n ?? 0) === 0) line.length = Math.min(line.length, col);
          else if (n === 2) line.length = 0;
          else for (let c = 0; c <= col && c < line.length; c++) line[c] = ' ';
          break;
        }
        case 'J':
          if ((n ?? 0) === 0) {
            ensure(row).length = Math.min(ensure(row).length, col);
            rows.length = row + 1;
          }
          break;
        default:
          break; // styles (m) and modes: no effect on the text
      }
      continue;
    }
    if (ch === '\r') {
      col = 0;
      pendingWrap = false;
    } else if (ch === '\n') {
      row += 1;
      col = 0;
      pendingWrap = false;
      ensure(row);
    } else {
      if (pendingWrap) {
        row += 1;
        col = 0;
        pendingWrap = false;
      }
      const line = ensure(row);
      while (line.length < col) line.push(' ');
      line[col] = ch;
      if (col === columns - 1) pendingWrap = true;
      else col += 1;
    }
  }
  return rows.map((r) => r.join('').replace(/\s+$/, ''));
}
