/**
 * How a door verdict is shown to the usher: a colour they can read from across the lobby, a
 * headline and a reason in words. Green only ever means "let them in".
 */
import { missingCase } from '@marquee/shared';
import type { AdmissionVerdict } from '@marquee/shared';
import type { Strings } from '../i18n/strings.ts';

/** go = admit (green), stop = refuse (red), wait = refuse for now, e.g. too early (amber). */
export type VerdictTone = 'go' | 'stop' | 'wait';

export interface VerdictView {
  tone: VerdictTone;
  title: string;
  reason: string;
}

export function verdictView(
  verdict: AdmissionVerdict,
  t: Strings,
  admittedAtText: string | undefined,
): VerdictView {
  switch (verdict) {
    case 'admitted':
      return { tone: 'go', title: t.verdictAdmitted, reason: t.reasonAdmitted };
    case 'already_admitted':
      return {
        tone: 'stop',
        title: t.verdictAlreadyAdmitted,
        reason:
          admittedAtText === undefined
            ? t.reasonAlreadyAdmittedNoTime
            : t.reasonAlreadyAdmitted(admittedAtText),
      };
    case 'invalid':
      return { tone: 'stop', title: t.verdictInvalid, reason: t.reasonInvalid };
    case 'wrong_showtime':
      return { tone: 'wait', title: t.verdictWrongShowtime, reason: t.reasonWrongShowtime };
    case 'too_early':
      return { tone: 'wait', title: t.verdictTooEarly, reason: t.reasonTooEarly };
    case 'too_late':
      return { tone: 'stop', title: t.verdictTooLate, reason: t.reasonTooLate };
    case 'refunded':
      return { tone: 'stop', title: t.verdictRefunded, reason: t.reasonRefunded };
    default:
      return missingCase(verdict);
  }
}
