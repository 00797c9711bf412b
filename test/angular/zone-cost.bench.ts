/**
 * Per-event cost of the zone re-entry (`npx tsx test/angular/zone-cost.bench.ts`): the same
 * stream of token events through the client as is, and through the zoned client under zone.js.
 */
import 'zone.js';
import { NgZone } from '@angular/core';
import { createSmoothClient } from '../../src/client/client.js';
import { SmoothTestingController } from '../../src/testing/controller/controller.js';
import { zonedClient } from '../../src/angular/zone.js';

const TOKENS = 50_000;

function run(label: string, wrap: boolean): number {
  const server = new SmoothTestingController();
  const zone = new NgZone({ enableLongStackTrace: false });
  const base = createSmoothClient({ url: 'ws://bench/ws', webSocketImpl: server.WebSocket, turnTimeoutMs: 0, requestTimeoutMs: 0, validateOutgoing: false });
  const client = wrap ? zonedClient(base, zone) : base;
  let seen = 0;
  client.turn({ sessionId: 's1', message: 'go' }).subscribe(() => seen++);
  const turn = server.expectTurn('go').accept();
  const started = process.hrtime.bigint();
  for (let i = 0; i < TOKENS; i++) turn.token('x');
  const ns = Number(process.hrtime.bigint() - started) / TOKENS;
  turn.respond('done');
  base.close();
  if (seen < TOKENS) throw new Error(`${label}: saw ${seen}`);
  return ns;
}

for (let round = 0; round < 3; round++) {
  const plain = run('plain', false);
  const zoned = run('zoned', true);
  console.log(`round ${round}: plain ${(plain / 1000).toFixed(2)} µs/event, zoned ${(zoned / 1000).toFixed(2)} µs/event, zone re-entry +${((zoned - plain) / 1000).toFixed(2)} µs`);
}
