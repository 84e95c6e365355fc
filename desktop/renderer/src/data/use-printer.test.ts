import { describe, expect, it } from 'vitest';
import type { PrinterStatus } from '@marquee/shared';
import { summarizePrinter } from './use-printer.ts';

const base: PrinterStatus = {
  configured: true,
  printers: [
    { role: 'primary', path: '/dev/ttyUSB0', state: 'paper_out', since: '2026-11-23T10:00:00Z', busy: false },
  ],
  cashDrawer: false,
  queue: { queued: 3, printing: 0, attention: 1 },
};

describe('the printer line of the status bar', () => {
  it('says paper out, with the jobs waiting and the ones needing attention', () => {
    expect(summarizePrinter(base)).toEqual({ kind: 'state', state: 'paper_out', attention: 1, queued: 3 });
  });

  it('reports the backup when it can print and the primary cannot', () => {
    const status: PrinterStatus = {
      ...base,
      printers: [
        ...base.printers,
        { role: 'backup', path: '/dev/ttyUSB1', state: 'online', since: '2026-11-23T10:00:00Z', busy: false },
      ],
    };
    expect(summarizePrinter(status)).toMatchObject({ kind: 'state', state: 'online' });
  });

  it('tells a terminal without a printer from one whose config is broken', () => {
    expect(summarizePrinter({ ...base, configured: false, printers: [] })).toEqual({ kind: 'none' });
    expect(summarizePrinter({ ...base, configError: { code: 'validation_failed', message: 'x' } })).toEqual({
      kind: 'config_error',
    });
    expect(summarizePrinter(undefined)).toEqual({ kind: 'unknown' });
  });
});
