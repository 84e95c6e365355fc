/**
 * The import boundaries of DESIGN §3 are lint rules; these tests prove the rules bite, by linting
 * offending code as if it lived in each package.
 */
import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';

// Linted as text for files that need not exist, so type-aware rules (which need a real file in a
// tsconfig project) are switched off here; the boundary rules are purely syntactic.
const eslint = new ESLint({
  cwd: new URL('..', import.meta.url).pathname,
  overrideConfig: [
    tseslint.configs.disableTypeChecked,
    { languageOptions: { parserOptions: { projectService: false, project: null } } },
  ],
});

async function restrictedImports(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-globals')
    .map((m) => m.message);
}

describe('import boundaries', () => {
  it('refuses node:fs in shared', async () => {
    const errors = await restrictedImports(
      "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n",
      'shared/src/domain.ts',
    );
    expect(errors.join('\n')).toMatch(/Node built-ins/);
  });

  it('refuses electron and native modules in shared', async () => {
    const errors = await restrictedImports(
      "import { app } from 'electron';\nimport Database from 'better-sqlite3';\nexport const x = [app, Database];\n",
      'shared/src/domain.ts',
    );
    expect(errors).toHaveLength(2);
  });

  it('refuses server code and process in shared', async () => {
    const errors = await restrictedImports(
      "import { loadConfig } from '../../sync-server/src/config.ts';\nexport const x = [loadConfig, process.env];\n",
      'shared/src/domain.ts',
    );
    expect(errors).toHaveLength(2);
  });

  it('refuses better-sqlite3 and node: in renderer code', async () => {
    const errors = await restrictedImports(
      "import Database from 'better-sqlite3';\nimport { join } from 'node:path';\nexport const x = [Database, join];\n",
      'desktop/renderer/src/app.tsx',
    );
    expect(errors).toHaveLength(2);
  });

  it('refuses electron in the terminal core and test code in production', async () => {
    const errors = await restrictedImports(
      "import { app } from 'electron';\nimport { startTestServer } from '../../../test/support/server.ts';\nexport const x = [app, startTestServer];\n",
      'desktop/core/src/core.ts',
    );
    expect(errors).toHaveLength(2);
  });

  it('keeps Electron main and the browser bridge apart: they share desktop/host', async () => {
    const fromMain = await restrictedImports(
      "import { answerFrame } from '../bridge/protocol.ts';\nexport const x = answerFrame;\n",
      'desktop/main/main.ts',
    );
    expect(fromMain.join('\n')).toMatch(/desktop\/host/);
    const fromBridge = await restrictedImports(
      "import { isTrustedSender } from '../main/ipc-guard.ts';\nimport { app } from 'electron';\nexport const x = [isTrustedSender, app];\n",
      'desktop/bridge/bridge-server.ts',
    );
    expect(fromBridge).toHaveLength(2);
    const shared = await restrictedImports(
      "import { securityHeaders } from '../host/csp.ts';\nexport const x = securityHeaders;\n",
      'desktop/bridge/bridge-server.ts',
    );
    expect(shared).toEqual([]);
  });

  it('refuses electron, main, bridge and the core in desktop/host', async () => {
    const errors = await restrictedImports(
      "import { app } from 'electron';\nimport { IPC } from '../preload/ipc-channels.ts';\nimport { startBridge } from '../bridge/bridge-server.ts';\nimport { TerminalCore } from '../core/src/core.ts';\nexport const x = [app, IPC, startBridge, TerminalCore];\n",
      'desktop/host/csp.ts',
    );
    expect(errors).toHaveLength(4);
  });

  it('lets shared import zod and its own modules', async () => {
    const errors = await restrictedImports(
      "import { z } from 'zod';\nimport { ERROR_CODES } from './errors.ts';\nexport const x = [z, ERROR_CODES];\n",
      'shared/src/domain.ts',
    );
    expect(errors).toEqual([]);
  });
});
