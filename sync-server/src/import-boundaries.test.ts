/**
 * Services, sync and storage speak domain errors, not HTTP: the lint block for them (in
 * eslint.config.js) refuses imports of the HTTP layer, and allows them to route handlers.
 */
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

// Linted as text at paths that need not exist, so type-aware rules are off; the rule is syntactic.
const eslint = new ESLint({
  cwd: new URL('../..', import.meta.url).pathname,
  overrideConfig: [
    tseslint.configs.disableTypeChecked,
    { languageOptions: { parserOptions: { projectService: false, project: null } } },
  ],
});

async function refusals(source: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${source}\nexport const x = y;\n`, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('the server layers', () => {
  it.each([
    ["import { y } from '../http/route.ts';", 'sync-server/src/services/holds.ts'],
    ["import { y } from '../routes/sales.ts';", 'sync-server/src/sync/mutations.ts'],
    ["import { y } from '../http/openapi.ts';", 'sync-server/src/db/sqlite.ts'],
  ])('refuses %s in %s', async (source, filePath) => {
    expect((await refusals(source, filePath)).join('\n')).toMatch(/do not import the HTTP layer/);
  });

  it('lets route handlers use the HTTP layer and the services', async () => {
    expect(
      await refusals(
        "import { y } from '../http/route.ts';\nimport { z } from '../services/holds.ts';\nexport const w = z;",
        'sync-server/src/routes/sales.ts',
      ),
    ).toEqual([]);
  });
});
