/**
 * A poster for a film without an image: two colours and an angle derived from the film's id, and
 * the title's initials. Deterministic, so a film keeps its look on every terminal and every day,
 * and no picture is fetched from anywhere (the CSP allows none).
 */

export interface PosterArt {
  /** Hues 0–359 of the gradient's two ends. */
  hueA: number;
  hueB: number;
  /** Gradient angle in degrees. */
  angle: number;
  initials: string;
}

/** FNV-1a: tiny, stable across engines, good enough to spread colours. */
export function hashText(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

const SKIPPED_WORDS = new Set(['the', 'a', 'an', 'of', 'and', 'in', 'on', 'to']);
const HAN = /\p{Script=Han}/u;
const LETTER_OR_DIGIT = /\p{L}|\p{N}/u;
const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** User-perceived characters: accents and combined glyphs stay whole. */
function graphemes(text: string): string[] {
  return Array.from(segmenter.segment(text), (part) => part.segment);
}

/**
 * "The Last Lighthouse" → "LL"; "流浪地球" → "流浪"; one-word titles give one letter. Han titles
 * take their first two characters, because a single character rarely names a film.
 */
export function titleInitials(title: string): string {
  const chars = graphemes(title.trim());
  if (chars.length === 0) return '?';
  if (HAN.test(chars[0] ?? ''))
    return chars
      .filter((c) => HAN.test(c))
      .slice(0, 2)
      .join('');
  const words = title
    .trim()
    .split(/[\s:–—-]+/u)
    .filter((w) => LETTER_OR_DIGIT.test(w));
  const meaningful = words.filter((w) => !SKIPPED_WORDS.has(w.toLowerCase()));
  const picked = (meaningful.length > 0 ? meaningful : words).slice(0, 2);
  const initials = picked
    .map((w) => (graphemes(w).find((c) => LETTER_OR_DIGIT.test(c)) ?? '').toUpperCase())
    .join('');
  return initials === '' ? '?' : initials;
}

export function posterArt(id: string, title: string): PosterArt {
  const hash = hashText(id);
  const hueA = hash % 360;
  // The second hue sits 40–140° away, so the two ends never blend into one muddy colour.
  const hueB = (hueA + 40 + ((hash >>> 9) % 100)) % 360;
  const angle = 120 + ((hash >>> 17) % 100);
  return { hueA, hueB, angle, initials: titleInitials(title) };
}
