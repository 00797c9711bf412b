/**
 * Rewrites ajv's error sites into calls of one helper. With `allErrors: false` ajv reports the
 * first failure and returns at once, spelling out at every check
 *
 *   validate12.errors = [{instancePath:instancePath+"/token",keyword:"type",params:{type: "string"}}];return false;
 *
 * which is most of a validator's bytes; the rewrite is
 *
 *   return $e(validate12,instancePath+"/token","type",{type: "string"});
 *
 * and `$e` sets the same one-element `errors` array and returns false: the verdict and the error
 * (instancePath, keyword, params) are unchanged (test/spec/validators-equivalence.test.ts).
 * Error sites that accumulate (`vErrors`, inside if/else or after a $ref call) are left as ajv
 * wrote them.
 */
export const ERROR_HELPER =
  'function $e(v, instancePath, keyword, params){v.errors = [{instancePath, keyword, params}];return false;}';

const SITE = /(validate\d+)\.errors = \[\{instancePath(?=[,:])/g;

export function compactErrorSites(code: string): string {
  let out = '';
  let from = 0;
  let sites = 0;
  for (const match of code.matchAll(SITE)) {
    const start = match.index;
    if (start < from) continue;
    const validator = match[1] as string;
    let pos = start + match[0].length;
    let path = 'instancePath';
    if (code[pos] === ':') {
      const end = scanExpression(code, pos + 1);
      path = code.slice(pos + 1, end);
      pos = end;
    }
    const keyword = /^,keyword:("[A-Za-z$]+"),params:/.exec(code.slice(pos));
    if (keyword === null) throw new Error(`compact: unexpected error site at ${start}: ${code.slice(start, start + 120)}`);
    pos += keyword[0].length;
    const paramsEnd = scanExpression(code, pos);
    const params = code.slice(pos, paramsEnd);
    const tail = '}];return false;';
    if (!code.startsWith(tail, paramsEnd)) throw new Error(`compact: error site at ${start} does not return at once`);
    out += code.slice(from, start) + `return $e(${validator},${path},${keyword[1]},${params});`;
    from = paramsEnd + tail.length;
    sites++;
  }
  if (sites === 0) return code;
  return out + code.slice(from);
}

/**
 * End of the JS expression starting at `pos`: the first `,` or closing bracket at depth 0. ajv
 * writes regex literals only as `.replace(/~/g, "~0")` arguments, with no brackets or quotes.
 */
function scanExpression(code: string, pos: number): number {
  let depth = 0;
  for (let i = pos; i < code.length; i++) {
    const c = code[i];
    if (c === '"') {
      i = endOfString(code, i);
    } else if (c === '(' || c === '[' || c === '{') {
      depth++;
    } else if (c === ')' || c === ']' || c === '}') {
      if (depth === 0) return i;
      depth--;
    } else if (c === ',' && depth === 0) {
      return i;
    }
  }
  throw new Error(`compact: unterminated expression at ${pos}`);
}

function endOfString(code: string, start: number): number {
  for (let i = start + 1; i < code.length; i++) {
    if (code[i] === '\\') i++;
    else if (code[i] === '"') return i;
  }
  throw new Error(`compact: unterminated string at ${start}`);
}
