import { describe, expect, it } from 'vitest';
import { ADMISSION_VERDICTS } from '@marquee/shared';
import { en, zhCN } from '../i18n/strings.ts';
import { verdictView } from './verdict-view.ts';

describe('door verdicts', () => {
  it('shows green only for a ticket to let in', () => {
    for (const verdict of ADMISSION_VERDICTS) {
      expect(verdictView(verdict, en, undefined).tone === 'go', verdict).toBe(verdict === 'admitted');
    }
  });

  it('gives every verdict a headline and a reason in words, in both languages', () => {
    for (const t of [en, zhCN]) {
      const titles = new Set<string>();
      for (const verdict of ADMISSION_VERDICTS) {
        const view = verdictView(verdict, t, '19:02');
        expect(view.title).not.toContain('_');
        expect(view.reason.length).toBeGreaterThan(5);
        titles.add(view.title);
      }
      expect(titles.size).toBe(ADMISSION_VERDICTS.length);
    }
  });

  it('says when a used ticket was used', () => {
    expect(verdictView('already_admitted', en, '19:02').reason).toBe(en.reasonAlreadyAdmitted('19:02'));
    expect(verdictView('already_admitted', en, undefined).reason).toBe(en.reasonAlreadyAdmittedNoTime);
  });

  it('asks to wait, not to refuse, when it is too early or the wrong hall', () => {
    expect(verdictView('too_early', en, undefined).tone).toBe('wait');
    expect(verdictView('wrong_showtime', en, undefined).tone).toBe('wait');
    expect(verdictView('refunded', en, undefined).tone).toBe('stop');
  });
});
