/**
 * Cost of validating one inbound frame, the per-event work the client adds after JSON.parse.
 * Reports ns/op measured in one run (machines here are shared: compare ratios, not absolutes).
 */
import { validateEvent } from '../src/validation/validate.js';

const tokenText = JSON.stringify({ type: 'stream_token', requestId: 'turn-1', token: 'Hello fr', data: { requestId: 'turn-1', token: 'Hello fr' }, timestamp: 1767225600000 });
const chunkText = JSON.stringify({ type: 'stream_chunk', requestId: 'turn-1', node: 'lookup_order', data: { requestId: 'turn-1', node: 'lookup_order', state: { rawResponse: { toolResult: { name: 'lookup_order', isError: false, result: 'Order 123: shipped.' } } } } });

function measure(name: string, iterations: number, fn: () => unknown): number {
  for (let i = 0; i < iterations / 10; i++) fn(); // warm up the JIT
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) fn();
  const ns = Number(process.hrtime.bigint() - start) / iterations;
  console.log(`${name.padEnd(44)} ${ns.toFixed(1).padStart(8)} ns/op`);
  return ns;
}

const token = JSON.parse(tokenText) as unknown;
const chunk = JSON.parse(chunkText) as unknown;
const N = 2_000_000;
const parse = measure('JSON.parse(stream_token)', N, () => JSON.parse(tokenText));
const validate = measure('validateEvent(stream_token)', N, () => validateEvent(token));
measure('validateEvent(stream_chunk toolResult)', N, () => validateEvent(chunk));
measure('JSON.parse + validateEvent(stream_token)', N, () => validateEvent(JSON.parse(tokenText)));
console.log(`validation / parse ratio for stream_token: ${(validate / parse).toFixed(2)}`);
