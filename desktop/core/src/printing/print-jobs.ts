/**
 * What a print job carries: the data its layout needs, not printer bytes. Stored as JSON in the
 * queue and parsed back with these schemas (a job is input from disk like any other), so a job
 * queued for a 58 mm printer can still print on an 80 mm backup, and a reprint is the same data
 * laid out again with the REPRINT mark.
 */
import { z } from 'zod';
import {
  CurrencyCode,
  Instant,
  LocalizedText,
  NonNegativeMinorUnits,
  Payment,
  PaymentMethod,
  SeatId,
  Uuid,
  type PrintJobKind,
} from '@marquee/shared';

/** Up to 200 characters per locale, like every localized text; printing clips nothing here. */
export const TicketPrint = z.strictObject({
  cinema: z.string().min(1).max(120),
  film: LocalizedText,
  rating: z.string().max(8).optional(),
  hall: z.string().min(1).max(60),
  features: z.array(z.string().max(20)).max(8),
  /** UTC; printed in the site's time zone. */
  startsAt: Instant,
  timeZone: z.string().min(1).max(64),
  seatId: SeatId,
  ticketType: LocalizedText,
  price: NonNegativeMinorUnits,
  currency: CurrencyCode,
  orderId: Uuid,
  /** The short code staff look orders up by; offline sales get theirs from the server later. */
  orderCode: z.string().max(16).optional(),
  ticketId: Uuid,
  /** The signed ticket token (base45) that the QR code carries. */
  token: z.string().min(1).max(400),
  offline: z.boolean(),
});
export type TicketPrint = z.infer<typeof TicketPrint>;

export const TaxRate = z.strictObject({
  label: z.string().min(1).max(24),
  /** Rate in hundredths of a percent (600 = 6 %); prices include it. */
  basisPoints: z.number().int().min(1).max(10_000),
});
export type TaxRate = z.infer<typeof TaxRate>;

export const ReceiptPrint = z.strictObject({
  cinema: z.string().min(1).max(120),
  terminal: z.string().max(60).optional(),
  header: z.array(z.string().max(64)).max(6),
  footer: z.array(z.string().max(64)).max(6),
  orderId: Uuid,
  orderCode: z.string().max(16).optional(),
  soldAt: Instant,
  timeZone: z.string().min(1).max(64),
  currency: CurrencyCode,
  film: LocalizedText.optional(),
  hall: z.string().max(60).optional(),
  startsAt: Instant.optional(),
  lines: z
    .array(z.strictObject({ seatId: SeatId, ticketType: LocalizedText, price: NonNegativeMinorUnits }))
    .min(1)
    .max(50),
  total: NonNegativeMinorUnits,
  /** The order's payments as the shared `Payment`, less the card reference a receipt does not print. */
  payments: z.array(Payment.omit({ reference: true })).max(4),
  change: NonNegativeMinorUnits,
  taxes: z.array(TaxRate).max(4),
  offline: z.boolean(),
});
export type ReceiptPrint = z.infer<typeof ReceiptPrint>;

export const ShiftReportPrint = z.strictObject({
  cinema: z.string().min(1).max(120),
  terminal: z.string().max(60).optional(),
  from: Instant,
  to: Instant,
  printedAt: Instant,
  timeZone: z.string().min(1).max(64),
  currency: CurrencyCode,
  orders: z.number().int().min(0),
  offlineOrders: z.number().int().min(0),
  tickets: z.number().int().min(0),
  total: NonNegativeMinorUnits,
  payments: z.array(
    z.strictObject({ method: PaymentMethod, count: z.number().int().min(0), amount: NonNegativeMinorUnits }),
  ),
  /** Cash handed back as change: counted out of the drawer. */
  changeGiven: NonNegativeMinorUnits,
  drawerOpens: z.strictObject({ sale: z.number().int().min(0), manual: z.number().int().min(0) }),
  taxes: z.array(TaxRate).max(4),
});
export type ShiftReportPrint = z.infer<typeof ShiftReportPrint>;

export type PrintJobData =
  | { kind: 'ticket'; payload: TicketPrint }
  | { kind: 'receipt'; payload: ReceiptPrint }
  | { kind: 'shift_report'; payload: ShiftReportPrint };

/** A job to queue: {@link enqueuePrintJobs} writes it. */
export type PrintJobSpec = PrintJobData & {
  id: string;
  /** Originals only: queueing the same key twice prints once. */
  dedupeKey?: string;
  orderId?: string;
  ticketId?: string;
  summary: string;
};

/** Parses a stored payload by kind; a job that does not parse is flagged, never printed half-right. */
export function parseJobData(kind: string, payload: unknown): PrintJobData | undefined {
  switch (kind as PrintJobKind) {
    case 'ticket': {
      const parsed = TicketPrint.safeParse(payload);
      return parsed.success ? { kind: 'ticket', payload: parsed.data } : undefined;
    }
    case 'receipt': {
      const parsed = ReceiptPrint.safeParse(payload);
      return parsed.success ? { kind: 'receipt', payload: parsed.data } : undefined;
    }
    case 'shift_report': {
      const parsed = ShiftReportPrint.safeParse(payload);
      return parsed.success ? { kind: 'shift_report', payload: parsed.data } : undefined;
    }
    default:
      return undefined;
  }
}
