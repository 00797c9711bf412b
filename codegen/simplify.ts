/**
 * Drops ajv's error-count bookkeeping where it cannot change anything. With `allErrors: false`
 * every failure outside an `if`/`anyOf` probe returns at once, so in a function without probes
 * the counter `errors` is 0 whenever code runs: each `const _errsN = errors;` snapshot, each
 * `_errsN === errors` comparison and each `validN` flag derived from one is constant `true`.
 *
 * A function qualifies when it has no accumulating error (`errors++`, which only probes write).
 * In it, a failed `$ref` call — which ajv records in `vErrors` and then lets fall through the
 * now-false flags to `return errors === 0` — returns the callee's errors at once instead: the
 * same verdict and the same errors. Functions with probes keep ajv's code unchanged. The proof
 * is test/spec/validators-equivalence.test.ts, which compares verdicts and first errors with
 * the full schemas compiled by ajv at test time.
 */
export function simplifyBookkeeping(code: string): string {
  let out = '';
  let from = 0;
  for (const match of code.matchAll(/function (validate\d+)\(/g)) {
    if (match.index < from) continue;
    const name = match[1] as string;
    const bodyStart = code.indexOf('{', closing(code, match.index + match[0].length - 1, '(', ')') + 1);
    const bodyEnd = closing(code, bodyStart, '{', '}');
    const body = code.slice(bodyStart, bodyEnd + 1);
    out += code.slice(from, bodyStart) + simplifyFunction(name, body);
    from = bodyEnd + 1;
  }
  return out + code.slice(from);
}

function simplifyFunction(name: string, body: string): string {
  if (body.includes('errors++')) return body;
  let b = body.replace(
    /if\(!\((validate\d+)\(([^;]*?)\)\)\)\{vErrors = vErrors === null \? \1\.errors : vErrors\.concat\(\1\.errors\);errors = vErrors\.length;\}/g,
    (_m, callee: string, args: string) => `if(!(${callee}(${args}))){${name}.errors = ${callee}.errors;return false;}`,
  );
  // Anything else that writes the counter means the analysis above does not hold: keep ajv's code.
  const writes = b.match(/(?<![.\w$])errors\s*(?:=(?!=)|\+\+|\+=|-=)/g) ?? [];
  if (writes.length !== 1 || !b.includes('let errors = 0;')) return body;
  if (/vErrors(?!\s*=\s*null;| = null;)/.test(b.replace(/\.errors = vErrors;/g, ''))) return body;
  b = b
    .replace(/const _errs\d+ = errors;/g, '')
    .replace(/\b_errs\d+ === errors\b/g, 'true')
    .replace(/\berrors === _errs\d+\b/g, 'true')
    .replace(/\berrors === 0\b/g, 'true');
  if (/_errs\d+/.test(b)) return body;
  // A flag assigned only `true` guards nothing.
  for (const flag of new Set(b.match(/\bvalid\d+\b/g) ?? [])) {
    const assigned = b.match(new RegExp(`\\b${flag} = [^;]*;`, 'g')) ?? [];
    if (assigned.some((a) => a !== `${flag} = true;`)) continue;
    const next = b
      .replace(new RegExp(`var ${flag} = true;`, 'g'), '')
      .replace(new RegExp(`if\\(${flag}\\)\\{`, 'g'), '{')
      .replace(new RegExp(`if\\(!${flag}\\)\\{break;\\}`, 'g'), '');
    if (!new RegExp(`\\b${flag}\\b`).test(next)) b = next;
  }
  b = b.replace(/if\(true\)\{/g, '{').replace(/else \{\}/g, '');
  // Nothing writes vErrors any more: the function reports no errors when it returns true.
  const unused = b.replace('let vErrors = null;let errors = 0;', '').replace(`${name}.errors = vErrors;return true;`, `${name}.errors = null;return true;`);
  return /\b(?:vErrors|errors)\b(?<!\.errors)/.test(unused.replace(/\.errors\b/g, '')) ? b : unused;
}

/**
 * ajv spells a JSON `integer` as `typeof x == "number" && !(x % 1) && !isNaN(x) && isFinite(x)`
 * and a `number` as `typeof x == "number" && isFinite(x)`: exactly Number.isInteger and
 * Number.isFinite, which are shorter and as fast.
 */
export function shorterNumberChecks(code: string): string {
  return code
    .replace(/\(\(typeof ([\w$]+) == "number"\) && \(!\(\1 % 1\) && !isNaN\(\1\)\)\) && \(isFinite\(\1\)\)/g, 'Number.isInteger($1)')
    .replace(/\(typeof ([\w$]+) == "number"\) && \(isFinite\(\1\)\)/g, 'Number.isFinite($1)');
}

/**
 * ajv passes every validator an options object (`{instancePath, parentData, parentDataProperty,
 * rootData}`) that only `$data` references and dynamic refs read; the spec uses neither. A call
 * through a `$ref` then allocates that object on every frame, so validators take the instance
 * path as a plain string instead. Codegen stops if any of the other three is read.
 */
export function plainInstancePath(code: string): string {
  let out = code.replace(
    /(validate\d+)\(([^,()]+), \{instancePath:([^{}]*?),parentData:[\w$]+,parentDataProperty:[^,{}]+,rootData\}\)/g,
    '$1($2, $3)',
  );
  out = out.replace(
    /function (validate\d+)\(data, \{instancePath="", parentData, parentDataProperty, rootData=data\}=\{\}\)\{/g,
    'function $1(data, instancePath=""){',
  );
  if (/\b(?:parentData|parentDataProperty|rootData)\b/.test(out)) throw new Error('simplify: a validator reads parentData or rootData');
  return out;
}

/** Index of the bracket closing the one at `open` (strings skipped). */
function closing(code: string, open: number, left: string, right: string): number {
  let depth = 0;
  for (let i = open; i < code.length; i++) {
    const c = code[i];
    if (c === '"') {
      for (i++; code[i] !== '"'; i++) if (code[i] === '\\') i++;
    } else if (c === left) {
      depth++;
    } else if (c === right && --depth === 0) {
      return i;
    }
  }
  throw new Error(`simplify: no closing ${right} for the ${left} at ${open}`);
}
