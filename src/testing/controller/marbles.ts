/** A marble diagram of server steps, read with `TestScheduler.run()` semantics (1 frame per character). */

/** One step of a script: its frame and the marble character naming it. */
export interface ScriptStep {
  readonly frame: number;
  readonly key: string;
}

const TIME = /^(\d+(?:\.\d+)?)(ms|s|m)(?= |$)/;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000 };

/**
 * Parses a script marble like rxjs does in run mode: `-` is one frame, a character is a step at
 * its frame (then one frame passes), `(ab)` puts steps on one frame, spaces are ignored, `10ms`
 * (after a space or at the start) advances time, `|` marks the end (it only takes a frame).
 *
 * @throws Error on `^`, `!` or `#`, which mean nothing to a server script.
 */
export function parseScript(marbles: string): ScriptStep[] {
  const steps: ScriptStep[] = [];
  let frame = 0;
  let group: number | undefined;
  for (let i = 0; i < marbles.length; i++) {
    const c = marbles.charAt(i);
    if (c === ' ') continue;
    if ((i === 0 || marbles.charAt(i - 1) === ' ') && /\d/.test(c)) {
      const time = TIME.exec(marbles.slice(i));
      if (time !== null) {
        frame += Number(time[1]) * (UNIT_MS[time[2] ?? 'ms'] ?? 1);
        i += time[0].length - 1;
        continue;
      }
    }
    if (c === '^' || c === '!' || c === '#') throw new Error(`script marble "${marbles}": '${c}' has no meaning in a server script`);
    if (c === '(') {
      group = frame;
    } else if (c === ')') {
      group = undefined;
    } else if (c !== '-' && c !== '|') {
      steps.push({ frame: group ?? frame, key: c });
    }
    frame += 1;
  }
  return steps;
}
