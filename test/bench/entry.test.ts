/**
 * The bench's modules load in the order `bench/run.ts` imports them (the chat first): as real ES
 * modules, where an import cycle that reads a binding too early throws at start-up. Jest's
 * CommonJS transform would hide such a cycle, so a child process loads them with tsx.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

it('bench/run.ts\'s modules load as ES modules, the chat first', () => {
  const root = resolve(__dirname, '../..');
  const script = "await import('./bench/chat.ts'); const { contenders } = await import('./bench/contenders.ts'); console.log(contenders.map((c) => c.name).join(','));";
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  expect(run.stderr).toBe('');
  expect(run.stdout.trim()).toBe('floor,client-text,client-events,client-chat');
}, 90_000);
