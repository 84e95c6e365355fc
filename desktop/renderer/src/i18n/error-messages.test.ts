import { describe, expect, it } from 'vitest';
import { ERROR_CODES, LOCALES } from '@marquee/shared';
import type { ErrorCode } from '@marquee/shared';
import { errorMessage, seatDisplayName } from './error-messages.ts';
import { STRINGS, en, zhCN } from './strings.ts';

const CODES = Object.keys(ERROR_CODES) as ErrorCode[];

describe('error messages', () => {
  it('says every error code as a sentence in every language, never the code or the core’s words', () => {
    for (const locale of LOCALES) {
      const t = STRINGS[locale];
      for (const code of CODES) {
        const text = errorMessage({ code, message: 'internal english detail xyz' }, t, locale);
        expect(text.length, `${locale} ${code}`).toBeGreaterThan(5);
        expect(text, `${locale} ${code}`).not.toContain(code);
        expect(text, `${locale} ${code}`).not.toContain('xyz');
      }
    }
  });

  it('gives every code its own sentence', () => {
    const sentences = new Set(CODES.map((code) => errorMessage({ code }, en, 'en')));
    expect(sentences.size).toBe(CODES.length);
  });

  it('names the seats someone else took', () => {
    const error = { code: 'seats_unavailable', details: { seatIds: ['F-7', 'F-8'] } };
    expect(errorMessage(error, en, 'en')).toBe(en.errSeatsUnavailableNamed('F7, F8'));
    expect(errorMessage(error, zhCN, 'zh-CN')).toContain('F排7座、F排8座');
  });

  it('explains offline seat refusals and queued sales', () => {
    expect(
      errorMessage({ code: 'seats_unavailable', details: { offline: true, seatIds: ['A-1'] } }, en, 'en'),
    ).toBe(en.errSeatsUnavailableOffline);
    expect(errorMessage({ code: 'offline', details: { queued: true, orderId: 'x' } }, en, 'en')).toBe(
      en.errSaleQueued,
    );
    expect(errorMessage({ code: 'offline' }, en, 'en')).toBe(en.errOffline);
  });

  it('turns selection and cash rules into their own sentences', () => {
    expect(
      errorMessage(
        { code: 'validation_failed', details: { rule: 'orphan_seat', seatIds: ['C-3'] } },
        en,
        'en',
      ),
    ).toBe(en.ruleOrphanSeat('C3'));
    expect(
      errorMessage({ code: 'validation_failed', details: { rule: 'seat_limit', limit: 10 } }, en, 'en'),
    ).toBe(en.ruleSeatLimit(10));
    expect(
      errorMessage(
        {
          code: 'validation_failed',
          details: { rule: 'insufficient_tender', shortBy: 550, currency: 'CNY' },
        },
        en,
        'en',
      ),
    ).toBe(en.ruleInsufficientTender('¥5.50'));
    expect(errorMessage({ code: 'validation_failed', details: { rule: 'no_such_rule' } }, en, 'en')).toBe(
      en.errValidation,
    );
  });

  it('reads a code in the context of what the terminal was doing', () => {
    expect(errorMessage({ code: 'forbidden' }, en, 'en', 'refund')).toBe(en.errForbiddenRefund);
    expect(errorMessage({ code: 'invalid_state' }, en, 'en', 'refund')).toBe(en.errInvalidStateRefund);
    expect(errorMessage({ code: 'invalid_state' }, en, 'en', 'hold')).toBe(en.errSalesClosed);
    expect(errorMessage({ code: 'invalid_state' }, en, 'en', 'enroll')).toBe(en.errInvalidStateEnrolled);
  });

  it('answers a code it does not know with a calm generic sentence', () => {
    expect(errorMessage({ code: 'SQLITE_BUSY', message: 'database is locked' }, en, 'en')).toBe(
      en.errUnknown,
    );
    expect(errorMessage({ code: '' }, zhCN, 'zh-CN')).toBe(zhCN.errUnknown);
  });

  it('shows seat ids as people read them', () => {
    expect(seatDisplayName('F-7', en)).toBe('F7');
    expect(seatDisplayName('AA-12', zhCN)).toBe('AA排12座');
    expect(seatDisplayName('odd', en)).toBe('odd');
  });
});
