/**
 * Standalone entry of the terminal-core benchmarks: `node --import tsx test/bench/core-bench-main.ts
 * [--quick]` prints their JSON summary on stdout (progress on stderr).
 */
import { runCoreBench } from './core-bench.ts';

const quick = process.argv.slice(2).includes('--quick');
runCoreBench({ quick }).then(
  (summary) => {
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    process.exit(0);
  },
  (error: unknown) => {
    process.stderr.write(
      `core bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
