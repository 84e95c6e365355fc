/** The terminal API's printing calls, answered by the printer service. */
import type { HandlerMap } from '../api/handler-map.ts';
import type { PrinterService } from './printer-service.ts';

export type PrintingHandlers = HandlerMap<
  'printer.status' | 'print.jobs' | 'print.reprint' | 'print.resolve' | 'print.shiftReport'
>;

export function printingHandlers(printing: PrinterService): PrintingHandlers {
  return {
    'printer.status': () => printing.status(),
    'print.jobs': (input) => printing.jobs(input),
    'print.reprint': (input) => printing.reprint(input.jobId),
    'print.resolve': (input) => printing.resolve(input.jobId, input.outcome),
    'print.shiftReport': (input) => printing.printShiftReport(Date.parse(input.from), Date.parse(input.to)),
  };
}
