/**
 * Runs the faults scenario in a process of its own, then returns without calling process.exit:
 * the process ends only if the client and the server left no handle behind. Its exit code says
 * whether the scenario passed.
 */
import { runFaults } from './faults-scenario.js';
import { seeded } from '../support/prng.js';

const figures = await runFaults(Number(process.env.FAULTS_TURNS ?? 50), seeded('faults-child'));
if (figures.failures.length > 0) {
  process.stderr.write(`${figures.failures.join('\n')}\n`);
  process.exitCode = 1;
}
process.stdout.write(`${figures.turns} turns, ${figures.connections} connections, ${figures.seconds.toFixed(1)} s, ${figures.failures.length} failures\n`);
