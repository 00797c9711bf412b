/**
 * `npm run bench`: this client against the floor, CPU per event measured in this process while a
 * blast server streams from a child process. Rounds alternate the contenders (after one warm-up
 * round that is discarded), medians and ratios (floor ÷ contender, from this run) are printed and
 * written to `bench/results/latest.json`. `--quick` (or `BENCH_QUICK=1`) is the short CI version;
 * it only prints: speed is never asserted here. `--rounds N`, `--only name,name` narrow a run.
 *
 * `npm run bench` runs it compiled (one esbuild bundle of the bench and the library, packages
 * left to `node_modules`), as an app runs the library, not under `tsx`: tsx compiles with
 * esbuild's `keepNames`, which gives every named function a property store of its own (about
 * 256 bytes), and per open turn the harness's and `text()`'s closures made that 1.3 KB of heap
 * that no build of the library has. `tsx bench/run.ts` still works, for a quick look.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { chatHeapPerMessage } from './chat.js';
import { contenders, floor, type Contender } from './contenders.js';
import { median } from './measure.js';
import { detectPool, FULL, QUICK, scenarios, type Metrics, type Scenario } from './scenarios.js';
import { startBlastChild } from './server-process.js';

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
};
const quick = args.includes('--quick') || process.env['BENCH_QUICK'] === '1';
const rounds = Number(option('--rounds') ?? (quick ? 3 : 7));
const only = option('--only')?.split(',');
const SAMPLE_TIMEOUT_MS = 120_000;

interface ScenarioResult {
  readonly name: string;
  readonly label: string;
  readonly units: Readonly<Record<string, string>>;
  /** contender → metric → one value per round. */
  readonly samples: Record<string, Record<string, number[]>>;
  readonly medians: Record<string, Record<string, number>>;
  /** contender → metric → median(floor) ÷ median(contender). */
  readonly ratios: Record<string, Record<string, number>>;
}

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no result within ${SAMPLE_TIMEOUT_MS} ms`)), SAMPLE_TIMEOUT_MS)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function runScenario(scenario: Scenario, url: string, pool: boolean): Promise<ScenarioResult> {
  const samples: Record<string, Record<string, number[]>> = {};
  const add = (contender: Contender, metrics: Metrics): void => {
    const own = (samples[contender.name] ??= {});
    for (const [metric, value] of Object.entries(metrics)) (own[metric] ??= []).push(value);
  };
  // Round 0 warms the JIT and the sockets up and is not kept.
  for (let round = 0; round <= rounds; round++) {
    // The order rotates each round (A B C, B C A, C A B, …): no contender always runs right after
    // the same one (its garbage, its socket teardown) or always first.
    const order = contenders.map((_, i) => contenders[(i + round) % contenders.length] as Contender);
    for (const contender of order) {
      const metrics = await withTimeout(scenario.sample(contender, { url, pool }), `${scenario.name} / ${contender.name}`);
      if (round > 0) add(contender, metrics);
    }
  }
  const medians: ScenarioResult['medians'] = {};
  const ratios: ScenarioResult['ratios'] = {};
  for (const contender of contenders) {
    medians[contender.name] = Object.fromEntries(Object.entries(samples[contender.name] ?? {}).map(([metric, values]) => [metric, median(values)]));
  }
  for (const contender of contenders) {
    ratios[contender.name] = Object.fromEntries(Object.entries(medians[contender.name] ?? {}).map(([metric, value]) => [metric, (medians[floor.name]?.[metric] ?? Number.NaN) / value]));
  }
  return { name: scenario.name, label: scenario.label, units: scenario.metrics, samples, medians, ratios };
}

const format = (value: number | undefined, digits: number): string => (value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(digits));

function print(result: ScenarioResult, seconds: number): void {
  console.log(`\n${result.label} (${seconds.toFixed(1)} s)`);
  for (const contender of contenders) {
    const cells = Object.entries(result.units).map(([metric, unit]) => {
      const value = result.medians[contender.name]?.[metric];
      const digits = unit.startsWith('B/') ? 0 : 2;
      const ratio = contender === floor ? '' : `  ×${format(result.ratios[contender.name]?.[metric], 2)}`;
      return `${format(value, digits).padStart(9)} ${unit}${ratio}`;
    });
    console.log(`  ${contender.label.padEnd(34)} ${cells.join('   ')}`);
  }
}

/** CPU per event at the most open turns ÷ at one, per contender: 1.00 is flat. */
function flatness(results: readonly ScenarioResult[]): Record<string, number> {
  const scaling = results.filter((r) => r.name.startsWith('scaling-'));
  if (scaling.length < 2) return {};
  const [first, last] = [scaling[0] as ScenarioResult, scaling[scaling.length - 1] as ScenarioResult];
  return Object.fromEntries(contenders.map((c) => [c.name, (last.medians[c.name]?.['cpuUsPerEvent'] ?? NaN) / (first.medians[c.name]?.['cpuUsPerEvent'] ?? NaN)]));
}

/** Per CPU scenario: the chat's median CPU per event ÷ text()'s. */
function chatOverText(results: readonly ScenarioResult[]): Record<string, number> {
  const ratios: Record<string, number> = {};
  for (const result of results) {
    const chat = result.medians['client-chat']?.['cpuUsPerEvent'];
    const text = result.medians['client-text']?.['cpuUsPerEvent'];
    if (chat !== undefined && text !== undefined) ratios[result.name] = chat / text;
  }
  return ratios;
}

async function main(): Promise<void> {
  const started = performance.now();
  const server = await startBlastChild();
  try {
    const pool = await detectPool(server.url);
    const sizes = quick ? QUICK : FULL;
    console.log(`smooth-operator-rx bench${quick ? ' (quick)' : ''}: ${rounds} rounds + 1 warm-up, node ${process.version}, ${cpus().length}× ${cpus()[0]?.model ?? 'cpu'}`);
    console.log(`CPU of this process per event (blast server in child ${server.pid ?? '?'}); ratio ×N = floor ÷ contender (>1: faster than the floor); pool: ${pool ? 'yes (connectionPool)' : 'no'}`);
    const results: ScenarioResult[] = [];
    for (const scenario of scenarios(sizes, pool)) {
      if (only !== undefined && !only.some((name) => scenario.name.startsWith(name))) continue;
      const at = performance.now();
      const result = await runScenario(scenario, server.url, pool);
      print(result, (performance.now() - at) / 1000);
      results.push(result);
    }
    const flat = flatness(results);
    if (Object.keys(flat).length > 0) {
      console.log(`\nCPU/event at the most open turns ÷ at one (1.00 = flat): ${contenders.map((c) => `${c.name} ${format(flat[c.name], 2)}`).join(', ')}`);
    }
    // The chat's target is relative to text(), measured in the same rounds: its cost over text()'s.
    const overText = chatOverText(results);
    if (Object.keys(overText).length > 0) {
      console.log(`\nchat CPU/event ÷ text() CPU/event (target ≤ 1.50): ${Object.entries(overText).map(([name, ratio]) => `${name} ${format(ratio, 2)}`).join(', ')}`);
    }
    // Per message, not per contender: what a long conversation costs a chat to hold.
    const chatMessages = quick ? 200 : 1000;
    const chatHeap = only === undefined || only.includes('chat-heap') ? await chatHeapPerMessage(server.url, chatMessages) : undefined;
    if (chatHeap !== undefined) console.log(`\nheap: a chat holding ${chatMessages} messages: ${format(chatHeap, 0)} B/message (${format((chatHeap * chatMessages) / 1024, 0)} KB in all)`);
    const wallSeconds = (performance.now() - started) / 1000;
    const dir = join(process.cwd(), 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    const report = { date: new Date().toISOString(), quick, rounds, pool, node: process.version, cpus: cpus().map((c) => c.model), wallSeconds, sizes, flatness: flat, chatOverText: overText, results, chatHeap: chatHeap === undefined ? undefined : { messages: chatMessages, bytesPerMessage: chatHeap } };
    writeFileSync(join(dir, quick ? 'latest-quick.json' : 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
    console.log(`\n${wallSeconds.toFixed(1)} s; written to bench/results/${quick ? 'latest-quick.json' : 'latest.json'}`);
  } finally {
    await server.close();
  }
  runBundleSection();
}

/** The bundle-size bench belongs to another file; it runs last when it exists. */
function runBundleSection(): void {
  const bundle = join(process.cwd(), 'bench', 'bundle.ts');
  if (!existsSync(bundle)) return;
  console.log('\nbundle sizes (bench/bundle.ts)');
  const run = spawnSync(process.execPath, ['--import', 'tsx', bundle, ...(quick ? ['--quick'] : [])], { stdio: 'inherit' });
  if (run.status !== 0) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
