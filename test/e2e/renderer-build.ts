/**
 * The renderer the end-to-end tests and the seat-map benchmark load: `vite build` of
 * desktop/renderer into a temp dir keyed by its sources, built once for all test files.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './harness.ts';

/** A fingerprint of everything the renderer build reads, so an unchanged tree is built once. */
function sourceFingerprint(): string {
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      if (entry.name === 'node_modules' || entry.name === 'dist') continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else {
        const stat = statSync(path);
        hash.update(`${path}:${stat.size}:${stat.mtimeMs}\n`);
      }
    }
  };
  walk(join(ROOT, 'desktop', 'renderer'));
  walk(join(ROOT, 'shared', 'src'));
  return hash.digest('hex').slice(0, 16);
}

/** Drops builds of earlier source trees (older than an hour), so /tmp does not fill up. */
function pruneOldBuilds(keep: string): void {
  for (const entry of readdirSync(tmpdir())) {
    const dir = join(tmpdir(), entry);
    if (!entry.startsWith('marquee-e2e-renderer-') || dir === keep || entry.endsWith('.lock')) continue;
    const built = statSync(join(dir, '.complete'), { throwIfNoEntry: false })?.mtimeMs;
    if (built !== undefined && Date.now() - built > 3_600_000) rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Builds the renderer (`vite build --config desktop/renderer/vite.config.ts`) into a temp dir
 * keyed by the sources, once for all test files: the first worker builds under a lock directory,
 * the others wait for its `.complete` marker. Never touches desktop/dist.
 */
export async function buildRenderer(): Promise<string> {
  const outDir = join(tmpdir(), `marquee-e2e-renderer-${sourceFingerprint()}`);
  const complete = join(outDir, '.complete');
  const lock = `${outDir}.lock`;
  const deadline = Date.now() + 240_000;
  while (!existsSync(complete)) {
    try {
      mkdirSync(lock);
    } catch {
      // Another worker is building; a lock older than the deadline is from a crashed run.
      const since = statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
      if (Date.now() - since > 240_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error('timed out waiting for the renderer build');
      await new Promise((resolve) => setTimeout(resolve, 250));
      continue;
    }
    try {
      const run = spawnSync(
        join(ROOT, 'node_modules', '.bin', 'vite'),
        [
          'build',
          '--config',
          'desktop/renderer/vite.config.ts',
          '--outDir',
          outDir,
          '--emptyOutDir',
          '--logLevel',
          'warn',
        ],
        { cwd: ROOT, encoding: 'utf8', timeout: 240_000 },
      );
      if (run.status !== 0) throw new Error(`renderer build failed:\n${run.stdout}\n${run.stderr}`);
      if (!existsSync(join(outDir, 'index.html')))
        throw new Error(`renderer build wrote no index.html to ${outDir}`);
      writeFileSync(complete, new Date().toISOString());
      pruneOldBuilds(outDir);
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
  return outDir;
}
