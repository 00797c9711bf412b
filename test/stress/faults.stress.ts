/**
 * Faults: ≥ 1,000 turns over real loopback sockets, each with its connection dropped at a random
 * point (see faults-scenario.ts); afterwards Node's active handles are back to where they started,
 * and a process running the same scenario exits by itself.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { runFaults } from './faults-scenario.js';
import { seeded } from '../support/prng.js';
import { captureUnhandled, figure } from './support.js';

const TURNS = 1000;

/** Active resources by type (TCPWrap, Timeout, …). */
function handles(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const type of process.getActiveResourcesInfo()) counts.set(type, (counts.get(type) ?? 0) + 1);
  return counts;
}

/** The types of which there are more now than in `before`. */
function extra(before: Map<string, number>): string[] {
  return [...handles()].filter(([type, n]) => n > (before.get(type) ?? 0)).map(([type, n]) => `${type} ${n} (was ${before.get(type) ?? 0})`);
}

it(`${TURNS} turns dropped at random points: each ends with SmoothConnectionLostError, the client reconnects, the session resumes, no handle left`, async () => {
  const random = seeded('faults');
  const unhandled = captureUnhandled();
  const before = handles();
  const figures = await runFaults(TURNS, random);
  unhandled.restore();
  // Sockets finish closing on the next turns of the event loop.
  for (let wait = 0; wait < 40 && extra(before).length > 0; wait++) await new Promise((r) => setTimeout(r, 50));
  figure('faults', `${figures.turns} turns dropped, ${figures.connections} connections (${figures.reconnects} reconnects), ${figures.seconds.toFixed(1)} s`);
  figure('faults', `drop points: ${figures.points}`);
  expect(figures.failures).toEqual([]);
  expect(unhandled.errors).toEqual([]);
  expect(figures.connections).toBe(TURNS + 1);
  expect(extra(before)).toEqual([]);
});

it('a process that runs the faults scenario exits by itself (no handle left open)', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(__dirname, 'faults-child.ts')], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += String(chunk)));
  child.stderr.on('data', (chunk: Buffer) => (output += String(chunk)));
  const started = Date.now();
  const code = await new Promise<number | string>((done) => {
    // Far more than the scenario needs: a process still alive then is held open by a leaked handle.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      done('still running after 30 s');
    }, 30_000);
    child.on('exit', (exitCode) => {
      clearTimeout(timer);
      done(exitCode ?? 'killed');
    });
  });
  figure('faults', `child process: ${output.trim().split('\n').pop() ?? ''}; exited (${code}) ${((Date.now() - started) / 1000).toFixed(1)} s after start`);
  expect({ code, output: code === 0 ? '' : output }).toEqual({ code: 0, output: '' });
});
