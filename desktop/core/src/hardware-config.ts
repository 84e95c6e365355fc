/**
 * The terminal's hardware: `hardware.json` in its data dir, written by whoever installs the till
 * (or by `npm start` for the virtual printer). Validated like any other input: a broken file is a
 * status with a message the installer can act on, never a crash, and a missing file means "no
 * printer here" (a gate with a camera, a terminal being set up).
 *
 * ```json
 * {
 *   "printer": { "path": "/dev/ttyUSB0", "baudRate": 115200, "columns": 48,
 *                "model": "epson-tm-t20iii", "codepage": "cp437" },
 *   "backupPrinter": { "path": "/dev/ttyUSB1", "baudRate": 9600, "columns": 32, "codepage": "gb18030" },
 *   "scanner": { "path": "/dev/ttyACM0", "baudRate": 9600 },
 *   "cashDrawer": { "pin": 2 },
 *   "receipt": { "header": ["1 Cinema Road"], "taxes": [{ "label": "VAT 6%", "basisPoints": 600 }] }
 * }
 * ```
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { Locale, fail, ok, type Result } from '@marquee/shared';
import { PRINTER_CODEPAGES } from './printing/codepages.ts';
import { checkPrinterModel, drawerKick, ticketLayout, type PrinterModelId } from './printing/layouts.ts';
import { TaxRate } from './printing/print-jobs.ts';

export const HARDWARE_CONFIG_FILE = 'hardware.json';

/** Rates serial printers and scanners are set to; anything else is a typo. */
const BAUD_RATES = [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400] as const;
const BaudRate = z
  .number()
  .int()
  .refine((rate) => (BAUD_RATES as readonly number[]).includes(rate), {
    message: `expected one of ${BAUD_RATES.join(', ')}`,
  });

/** `SerialPort.list()` does not list ptys and USB adapters get stable names under /dev/serial/by-id: take a path. */
const DevicePath = z.string().trim().min(1).max(255);

const PrinterModel = z
  .string()
  .min(1)
  .max(40)
  .superRefine((model, ctx) => {
    const problem = checkPrinterModel(model);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  })
  .transform((model) => model as PrinterModelId);

export const PrinterConfig = z.strictObject({
  path: DevicePath,
  baudRate: BaudRate,
  columns: z.union([z.literal(32), z.literal(42), z.literal(48)]),
  model: PrinterModel.optional(),
  codepage: z.enum(PRINTER_CODEPAGES).default('cp437'),
});
export type PrinterConfig = z.infer<typeof PrinterConfig>;

export const HardwareConfig = z.strictObject({
  /** Absent on a gate that only scans. */
  printer: PrinterConfig.optional(),
  /** Takes over the queue when the printer has been unable to print for `failoverAfterSeconds`. */
  backupPrinter: PrinterConfig.optional(),
  failoverAfterSeconds: z.number().int().min(0).max(3600).default(15),
  scanner: z.strictObject({ path: DevicePath, baudRate: BaudRate }).optional(),
  /** A drawer on the printer's kick connector; opened on cash sales and by a supervisor. */
  cashDrawer: z
    .strictObject({
      pin: z.union([z.literal(2), z.literal(5)]).default(2),
      pulseMs: z.number().int().min(50).max(500).default(100),
    })
    .optional(),
  /** Language of printed tickets; the site's language when absent. */
  locale: Locale.optional(),
  /** Print a receipt with every sale (tickets always print). */
  receipts: z.boolean().default(true),
  receipt: z
    .strictObject({
      header: z.array(z.string().max(64)).max(6).default([]),
      footer: z.array(z.string().max(64)).max(6).default([]),
      taxes: z.array(TaxRate).max(4).default([]),
    })
    .default({ header: [], footer: [], taxes: [] }),
});
export type HardwareConfig = z.infer<typeof HardwareConfig>;

export type LoadedHardwareConfig =
  { present: false } | { present: true; mtimeMs: number; config: Result<HardwareConfig> };

/** The file's modification time, or -1 when there is none: cheap enough to check every second. */
export function hardwareConfigStamp(dataDir: string): number {
  try {
    return statSync(join(dataDir, HARDWARE_CONFIG_FILE)).mtimeMs;
  } catch {
    return -1;
  }
}

/** Reads and checks `hardware.json`; never throws. */
export function loadHardwareConfig(
  dataDir: string,
  file = join(dataDir, HARDWARE_CONFIG_FILE),
): LoadedHardwareConfig {
  if (!existsSync(file)) return { present: false };
  let mtimeMs = 0;
  let text: string;
  try {
    mtimeMs = statSync(file).mtimeMs;
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return {
      present: true,
      mtimeMs,
      config: fail('validation_failed', `${file}: cannot be read (${String(error)})`),
    };
  }
  return { present: true, mtimeMs, config: parseHardwareConfig(text, file) };
}

export function parseHardwareConfig(text: string, name = HARDWARE_CONFIG_FILE): Result<HardwareConfig> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return fail(
      'validation_failed',
      `${name} is not valid JSON: ${error instanceof Error ? error.message : ''}`,
    );
  }
  const parsed = HardwareConfig.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined || issue.path.length === 0 ? name : `${name}: ${issue.path.join('.')}`;
    return fail('validation_failed', `${where}: ${issue?.message ?? 'invalid'}`, {
      field: issue?.path.join('.'),
    });
  }
  const config = parsed.data;
  // Whether the encoder can drive this printer at all (a model without the code page, say) is
  // found out here, when the file is read, not when a customer's ticket is being printed.
  for (const [field, printer] of [
    ['printer', config.printer],
    ['backupPrinter', config.backupPrinter],
  ] as const) {
    if (printer === undefined) continue;
    try {
      const profile = { columns: printer.columns, model: printer.model, codepage: printer.codepage };
      ticketLayout(SAMPLE_TICKET, { profile, locale: 'en' });
      drawerKick(profile, 2, 100);
    } catch (error) {
      return fail(
        'validation_failed',
        `${name}: ${field}: this printer cannot be driven with these settings (${error instanceof Error ? error.message : String(error)})`,
        { field },
      );
    }
  }
  return ok(config);
}

const SAMPLE_TICKET = {
  cinema: 'Marquee',
  film: { en: 'Sample', 'zh-CN': '样片' },
  hall: 'Hall 1',
  features: [],
  startsAt: '2026-01-01T12:00:00.000Z',
  timeZone: 'UTC',
  seatId: 'A-1',
  ticketType: { en: 'Adult', 'zh-CN': '成人' },
  price: 100,
  currency: 'CNY',
  orderId: '00000000-0000-4000-8000-000000000000',
  ticketId: '00000000-0000-4000-8000-000000000001',
  token: 'SAMPLE',
  offline: false,
};
