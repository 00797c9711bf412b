/**
 * The scenarios of `npm run bench`. Each takes one sample of one contender: it opens its own
 * endpoints (not measured), measures, and closes them. Every metric is lower-is-better, so the
 * runner's ratio floor ÷ contender is above 1 when the contender beats the floor.
 */
import { checkTally, clientEvents, type Contender, type Endpoint, type OpenOptions } from './contenders.js';
import type { TurnSpec } from './frames.js';
import { measureCpu, percentile, settledHeap } from './measure.js';

export interface BenchContext {
  readonly url: string;
  /** Whether the client has a connection pool (`connectionPool()`): found by `detectPool`. */
  readonly pool: boolean;
}

export type Metrics = Readonly<Record<string, number>>;

export interface Scenario {
  readonly name: string;
  readonly label: string;
  /** Metric name → unit, in print order; the first is the headline. */
  readonly metrics: Readonly<Record<string, string>>;
  sample(contender: Contender, context: BenchContext): Promise<Metrics>;
}

export interface Sizes {
  readonly sequential: { turns: number; events: number };
  readonly concurrent: { turns: number; events: number };
  readonly scaling: { open: readonly number[]; events: number; atLeast: number };
  readonly paced: { turns: number; events: number };
  readonly heap: { instances: number };
}

export const FULL: Sizes = {
  sequential: { turns: 20, events: 10_000 },
  concurrent: { turns: 50, events: 2_000 },
  scaling: { open: [1, 10, 100, 200], events: 1_000, atLeast: 40_000 },
  paced: { turns: 10, events: 1_000 },
  heap: { instances: 200 },
};

export const QUICK: Sizes = {
  sequential: { turns: 5, events: 2_000 },
  concurrent: { turns: 50, events: 200 },
  scaling: { open: [1, 10, 100, 200], events: 200, atLeast: 4_000 },
  paced: { turns: 10, events: 200 },
  heap: { instances: 50 },
};

const blast = (events: number): TurnSpec => ({ mode: 'blast', events });
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `turns` turns open at once: through one endpoint with that many connections when the client
 * has a pool, else one endpoint (client) per turn. The floor gets the same sockets.
 */
async function openFor(contender: Contender, url: string, turns: number, pool: boolean): Promise<Endpoint[]> {
  const open = (options: OpenOptions): Promise<Endpoint> => contender.open(url, options);
  if (pool) return primed(contender, [await open({ sessions: turns, maxConnections: turns })], turns);
  return Promise.all(Array.from({ length: turns }, () => open({ sessions: 1 })));
}

/**
 * A pool opens its extra sockets when turns first find every socket busy: one short wave before
 * measuring opens them, so handshakes are not counted as per-event work (the floor's sockets are
 * open before it is measured too).
 */
async function primed(contender: Contender, endpoints: Endpoint[], turns: number): Promise<Endpoint[]> {
  await wave(contender, endpoints, turns, blast(5));
  return endpoints;
}

/** Runs `turns` turns of `spec` at once over `endpoints`, each on its own session; resolves with the verified events. */
async function wave(contender: Contender, endpoints: readonly Endpoint[], turns: number, spec: TurnSpec, latencies?: number[]): Promise<number> {
  const tallies = await Promise.all(
    Array.from({ length: turns }, (_, i) => {
      const endpoint = endpoints[i % endpoints.length] as Endpoint;
      return endpoint.turn(spec, { session: Math.floor(i / endpoints.length), ...(latencies ? { latencies } : {}) }).done;
    }),
  );
  return tallies.reduce((sum, tally) => sum + checkTally(contender, spec, tally), 0);
}

function closeAll(endpoints: readonly Endpoint[]): void {
  for (const endpoint of endpoints) endpoint.close();
}

export function scenarios(sizes: Sizes, pool: boolean): Scenario[] {
  const { sequential, concurrent, scaling, paced, heap } = sizes;
  const cpu = { cpuUsPerEvent: 'µs/event' };
  const list: Scenario[] = [
    {
      name: 'sequential',
      label: `sequential ${sequential.turns}×${sequential.events}`,
      metrics: cpu,
      async sample(contender, { url }) {
        const endpoint = await contender.open(url, { sessions: 1 });
        const spec = blast(sequential.events);
        const sample = await measureCpu(async () => {
          let events = 0;
          for (let i = 0; i < sequential.turns; i++) events += checkTally(contender, spec, await endpoint.turn(spec).done);
          return events;
        });
        endpoint.close();
        return { cpuUsPerEvent: sample.cpuUsPerEvent };
      },
    },
    {
      name: 'concurrent',
      label: `concurrent ${concurrent.turns}×${concurrent.events}${pool ? ' (pool)' : ' (no pool: the client queues them on one socket)'}`,
      metrics: cpu,
      async sample(contender, { url }) {
        const endpoints = await primed(contender, [await contender.open(url, { sessions: concurrent.turns, ...(pool ? { maxConnections: concurrent.turns } : {}) })], concurrent.turns);
        const sample = await measureCpu(() => wave(contender, endpoints, concurrent.turns, blast(concurrent.events)));
        closeAll(endpoints);
        return { cpuUsPerEvent: sample.cpuUsPerEvent };
      },
    },
  ];
  for (const open of scaling.open) {
    const waves = Math.max(1, Math.ceil(scaling.atLeast / (open * scaling.events)));
    list.push({
      name: `scaling-${open}`,
      label: `scaling: ${open} turn${open === 1 ? '' : 's'} open ×${scaling.events}${waves > 1 ? `, ${waves} waves` : ''}${pool ? '' : `, ${open} client${open === 1 ? '' : 's'}`}`,
      metrics: cpu,
      async sample(contender, { url }) {
        const endpoints = await openFor(contender, url, open, pool);
        const sample = await measureCpu(async () => {
          let events = 0;
          for (let w = 0; w < waves; w++) events += await wave(contender, endpoints, open, blast(scaling.events));
          return events;
        });
        closeAll(endpoints);
        return { cpuUsPerEvent: sample.cpuUsPerEvent };
      },
    });
  }
  list.push(
    {
      name: 'paced',
      label: `paced: ${paced.turns} turns, a token per ms each${pool ? '' : `, ${paced.turns} clients`}`,
      metrics: { p50Us: 'µs p50', p99Us: 'µs p99' },
      async sample(contender, { url }) {
        const endpoints = await openFor(contender, url, paced.turns, pool);
        const latencies: number[] = [];
        await wave(contender, endpoints, paced.turns, { mode: 'paced', events: paced.events }, latencies);
        closeAll(endpoints);
        return { p50Us: percentile(latencies, 50), p99Us: percentile(latencies, 99) };
      },
    },
    {
      name: 'heap',
      label: `heap: ${heap.instances} idle connections, then a turn open on each`,
      metrics: { bytesPerConnection: 'B/connection', bytesPerTurn: 'B/open turn' },
      async sample(contender, { url }) {
        const before = settledHeap();
        const endpoints = await Promise.all(Array.from({ length: heap.instances }, () => contender.open(url, { sessions: 1 })));
        const idle = settledHeap();
        const turns = endpoints.map((endpoint) => endpoint.turn({ mode: 'hold', events: 100 }));
        await Promise.all(turns.map((turn) => turn.started));
        const open = settledHeap();
        turns.forEach((turn) => turn.stop());
        await Promise.all(turns.map((turn) => turn.done));
        closeAll(endpoints);
        await sleep(200); // let the sockets finish closing before the next sample's baseline
        return { bytesPerConnection: (idle - before) / heap.instances, bytesPerTurn: (open - idle) / heap.instances };
      },
    },
  );
  return list;
}

/**
 * Whether the client runs turns on two connections at once: two paced turns on two sessions
 * through one client given a pool of 2; with a pool the second starts before the first
 * ends, without one it waits its turn (or the option is not known and is ignored).
 */
export async function detectPool(url: string): Promise<boolean> {
  const endpoint = await clientEvents.open(url, { sessions: 2, maxConnections: 2 });
  const spec: TurnSpec = { mode: 'paced', events: 60 };
  const first = endpoint.turn(spec, { session: 0 });
  const second = endpoint.turn(spec, { session: 1 });
  const winner = await Promise.race([first.done.then(() => 'first-ended'), second.started.then(() => 'second-started')]);
  await Promise.all([first.done, second.done]);
  endpoint.close();
  return winner === 'second-started';
}
