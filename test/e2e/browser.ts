/**
 * Real Chromium (Debian's, driven by playwright-core) for the end-to-end tests: terminal pages in
 * their own contexts, evidence per screen (a screenshot and an axe-core run), and what the page
 * received over the bridge. A missing Chromium fails the run with the command that installs it.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { parseAmount, type SaleResult } from '@marquee/shared';
import { zhCN } from '../../desktop/renderer/src/i18n/strings.ts';
import { ROOT, worldNow, type E2eTerminal } from './harness.ts';

export const ARTIFACTS = join(ROOT, 'test', 'artifacts');
export const CHROMIUM = '/usr/bin/chromium';
/** ENVIRONMENT.md: the flags that keep Debian's Chromium quiet and offline in CI. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function requireChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `End-to-end tests need Chromium at ${CHROMIUM}: run \`apt-get update && apt-get install -y chromium ffmpeg\` ` +
        '(as root; .ci/run does this). No browser is ever downloaded by the tests.',
    );
  }
}

export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  requireChromium();
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS, ...extraArgs],
  });
}

export interface TerminalPage {
  context: BrowserContext;
  page: Page;
  /** Console messages about blocked content: the CSP must never have to block our own UI. */
  cspViolations: string[];
  /** Uncaught errors in the page. */
  pageErrors: string[];
  /** Serious and critical axe-core findings, per screen checked with {@link checkScreen}. */
  a11y: Record<string, AxeViolation[]>;
  /** Every answer the page received over the bridge (`{id, result}` frames), in order. */
  replies: { id: unknown; result: { ok: boolean; value?: unknown; error?: { code: string } } }[];
}

/** Opens a terminal's printed URL in a fresh browser context (its own cookie jar), like a lobby PC. */
export async function openTerminalPage(
  browser: Browser,
  terminal: E2eTerminal,
  options: { viewport?: { width: number; height: number }; camera?: boolean } = {},
): Promise<TerminalPage> {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1280, height: 800 },
    ...(options.camera === true ? { permissions: ['camera'] } : {}),
  });
  // The page lives in the test world's time too (time keeps flowing from there).
  await context.clock.install({ time: worldNow() });
  const page = await context.newPage();
  const cspViolations: string[] = [];
  const pageErrors: string[] = [];
  page.on('console', (message) => {
    const text = message.text();
    if (/Content Security Policy|Refused to/i.test(text)) cspViolations.push(text);
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  const replies: TerminalPage['replies'] = [];
  // What really crossed the bridge: lets a test learn e.g. the order id the UI only abbreviates.
  page.on('websocket', (socket) => {
    socket.on('framereceived', ({ payload }) => {
      if (typeof payload !== 'string') return;
      const frame = JSON.parse(payload) as {
        id?: unknown;
        result?: TerminalPage['replies'][number]['result'];
      };
      if (frame.result !== undefined) replies.push({ id: frame.id, result: frame.result });
    });
  });
  await page.goto(terminal.bridge.url);
  return { context, page, cspViolations, pageErrors, a11y: {}, replies };
}

const AXE_SOURCE = readFileSync(join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/**
 * Runs axe-core on the current screen and returns its serious and critical violations. axe is
 * evaluated through the DevTools protocol, so the page's CSP stays on while it runs.
 */
export async function seriousA11yViolations(page: Page): Promise<AxeViolation[]> {
  const installed = await page.evaluate('typeof window.axe === "object"');
  if (installed !== true) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate<AxeViolation[]>(`
    window.axe.run(document, { resultTypes: ['violations'] }).then((r) =>
      r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => String(n.target)) })))
  `);
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Saves a screenshot to test/artifacts/<name>.png (CI keeps the folder as evidence). */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

// --- screens -----------------------------------------------------------------------------------

/** Switches the UI to English (the demo site's default is Chinese), so tests read like the UI. */
export async function toEnglish(page: Page): Promise<void> {
  await page.getByTitle(zhCN.switchLanguageLabel).first().click();
  await page.locator('html[lang="en"]').waitFor();
}

/**
 * Evidence for one screen: a screenshot under test/artifacts and an axe-core run. Findings are
 * collected and judged by {@link expectCleanScreens} at the end of the test, so a flow that works
 * but has an accessibility defect reports both facts rather than stopping at the first.
 */
export async function checkScreen(terminalPage: TerminalPage, name: string): Promise<void> {
  await screenshot(terminalPage.page, name);
  const violations = await seriousA11yViolations(terminalPage.page);
  if (violations.length > 0) terminalPage.a11y[name] = violations;
}

/** No screen had a serious/critical axe finding, the CSP never had to refuse, nothing threw. */
export function expectCleanScreens(terminalPage: TerminalPage): void {
  expect(terminalPage.a11y, 'serious or critical accessibility violations, by screen').toEqual({});
  expect(terminalPage.cspViolations, 'Content-Security-Policy refusals').toEqual([]);
  expect(terminalPage.pageErrors, 'uncaught errors in the page').toEqual([]);
}

/** The sales the page completed, as the core answered them over the bridge. */
export function salesSeen(terminalPage: TerminalPage): SaleResult[] {
  return terminalPage.replies
    .filter((r) => r.result.ok && typeof (r.result.value as { orderId?: unknown }).orderId === 'string')
    .map((r) => r.result.value as SaleResult);
}

/** The amount in minor units of a money text such as `CN¥1,234.50` (CNY: two decimals). */
export function minorUnitsOf(text: string): number {
  const parsed = parseAmount(text.replace(/[^\d.]/g, ''), 'CNY');
  if (!parsed.ok) throw new Error(`not an amount: ${text}`);
  return parsed.value;
}
