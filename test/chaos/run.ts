/**
 * `npm run chaos [-- --seconds 60] [--seed N] [--kills 2]`: the lobby scenario of
 * test/partition.test.ts with a random seed (printed, so a failure can be replayed) and a longer
 * fault phase. Prints a JSON summary; exits 1 on any invariant violation, 2 on bad arguments.
 */
import { parseArgs } from 'node:util';
import { runLobbyScenario } from '../support/lobby-scenario.ts';

function positiveInt(name: string, text: string | undefined, fallback: number, max: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value > max) {
    process.stderr.write(`chaos: --${name} expects an integer 0…${String(max)}, got ${text}\n`);
    process.exit(2);
  }
  return value;
}

const { values } = parseArgs({
  options: {
    seconds: { type: 'string' },
    seed: { type: 'string' },
    kills: { type: 'string' },
    quiet: { type: 'boolean', default: false },
  },
});
const seconds = positiveInt('seconds', values.seconds, 60, 3600);
const seed = positiveInt('seed', values.seed, Math.floor(Math.random() * 2 ** 31), 2 ** 31);
const kills = positiveInt('kills', values.kills, Math.max(1, Math.floor(seconds / 30)), 100);
process.stderr.write(`chaos: seed ${String(seed)}, ${String(seconds)} s, ${String(kills)} server kill(s)\n`);

let report: Awaited<ReturnType<typeof runLobbyScenario>>;
try {
  report = await runLobbyScenario({
    seed,
    chaosMs: seconds * 1000,
    serverKills: kills,
    ...(values.quiet ? {} : { log: (line: string) => process.stderr.write(`chaos: ${line}\n`) }),
  });
} catch (error) {
  process.stderr.write(
    `chaos: the scenario failed to run (seed ${String(seed)}): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
}
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
if (report.violations.length > 0) {
  process.stderr.write(
    `chaos: ${String(report.violations.length)} invariant violation(s); replay with --seed ${String(seed)}\n`,
  );
  process.exit(1);
}
process.stderr.write('chaos: all invariants held\n');
