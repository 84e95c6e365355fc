/**
 * The Electron shell's own settings, `terminal-config.json` next to the core's database. The core
 * keeps enrollment and sync state in SQLite; this file holds what an installer or a technician
 * sets per machine. A broken file never stops the terminal: it starts with safe defaults and
 * says why.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { TerminalProfile } from '@marquee/shared';
import { isPinHash } from '../host/kiosk-pin.ts';

export const TerminalConfig = z.strictObject({
  /** Hash from `npm run terminal -- --hash-pin`; without it a kiosk cannot be left from the UI. */
  kioskPinHash: z.string().refine(isPinHash, 'expected a hash made by --hash-pin').optional(),
  /** Seconds of no touch before a kiosk returns to its attract screen and releases its holds. */
  idleResetSeconds: z.number().int().min(15).max(3600).optional(),
  /** Enroll on first start (provisioning): the sync server and a one-time code. */
  enroll: z.strictObject({ serverUrl: z.url(), code: z.string().min(6).max(32) }).optional(),
  /** Expected profile; a code for another profile is reported, never silently accepted. */
  profile: TerminalProfile.optional(),
});
export type TerminalConfig = z.infer<typeof TerminalConfig>;

export type LoadedConfig = { config: TerminalConfig; problem?: string };

export function parseTerminalConfig(text: string | undefined): LoadedConfig {
  if (text === undefined) return { config: {} };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { config: {}, problem: 'terminal-config.json is not valid JSON; using defaults' };
  }
  const parsed = TerminalConfig.safeParse(json);
  if (parsed.success) return { config: parsed.data };
  const issue = parsed.error.issues[0];
  return {
    config: {},
    problem: `terminal-config.json: ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'invalid'}; using defaults`,
  };
}

export function loadTerminalConfig(file: string): LoadedConfig {
  let text: string | undefined;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      return { config: {}, problem: `cannot read ${file}: ${String(error)}; using defaults` };
  }
  return parseTerminalConfig(text);
}
