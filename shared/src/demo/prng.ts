/**
 * A small seeded pseudo-random generator for demo and benchmark data.
 *
 * Shared code may not read the clock or `Math.random`, and demo data must be reproducible
 * from a seed, so everything random in the demo comes from here. sfc32 is fast, passes
 * PractRand well beyond what a demo needs, and needs only 32-bit integer arithmetic.
 * Not for anything secret.
 */

/** FNV-1a over UTF-16 code units: turns a fork label into 32 bits. */
function fnv1a(text: string, basis: number): number {
  let hash = basis >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** The splitmix32 finaliser: spreads nearby seeds (1, 2, 3…) over the whole state space. */
function mix32(value: number): number {
  let z = (value + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

export class Prng {
  // sfc32 state.
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  /** The 64-bit key this stream was made from; forks derive from it, not from the position. */
  private readonly keyLo: number;
  private readonly keyHi: number;

  constructor(keyLo: number, keyHi: number) {
    this.keyLo = keyLo >>> 0;
    this.keyHi = keyHi >>> 0;
    this.a = mix32(this.keyLo);
    this.b = mix32(this.keyHi ^ 0x6a09e667);
    this.c = mix32(this.keyLo ^ this.keyHi ^ 0xbb67ae85);
    this.d = 1;
    // The first outputs of sfc32 are still correlated with the seed; discard them.
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** A uniformly distributed unsigned 32-bit integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    return this.nextUint32() / 0x1_0000_0000;
  }

  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || max < min) {
      throw new RangeError(`invalid integer range [${min}, ${max}]`);
    }
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with the given probability. */
  chance(probability: number): boolean {
    return this.next() < probability;
  }

  /**
   * An independent stream named by `label`. It depends only on this stream's seed and the
   * label, never on how much has been drawn, so adding a hall or a day to the demo leaves
   * every other hall's and day's data unchanged.
   */
  fork(label: string): Prng {
    const h1 = fnv1a(label, 0x811c9dc5);
    const h2 = fnv1a(label, h1 ^ 0x5bd1e995);
    return new Prng(mix32(this.keyLo ^ h1), mix32(this.keyHi ^ h2));
  }
}

/** A generator for an integer seed; seeds beyond 32 bits use their high bits too. */
export function createPrng(seed: number): Prng {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 0x1_0000_0000) >>> 0;
  return new Prng(lo, hi);
}

/** A random-looking but reproducible RFC 4122 version 4 UUID. */
export function uuidFrom(prng: Prng): string {
  let hex = '';
  for (let i = 0; i < 4; i++) hex += prng.nextUint32().toString(16).padStart(8, '0');
  // Version nibble 4; variant bits 10xx.
  const variant = ((parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  hex = `${hex.slice(0, 12)}4${hex.slice(13, 16)}${variant}${hex.slice(17)}`;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** One element, uniformly. */
export function pick<T>(prng: Prng, items: readonly T[]): T {
  if (items.length === 0) throw new RangeError('cannot pick from an empty list');
  return items[prng.int(0, items.length - 1)] as T;
}

/** One element with probability proportional to its weight; weights must be ≥ 0, one > 0. */
export function weightedPick<T>(prng: Prng, items: readonly T[], weightOf: (item: T) => number): T {
  const weights = items.map(weightOf);
  const total = weights.reduce((sum, w) => {
    if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`invalid weight ${w}`);
    return sum + w;
  }, 0);
  if (total <= 0) throw new RangeError('cannot pick: no item has a positive weight');
  let target = prng.next() * total;
  for (let i = 0; i < items.length; i++) {
    target -= weights[i] ?? 0;
    if (target < 0 && (weights[i] ?? 0) > 0) return items[i] as T;
  }
  // Floating-point leftovers: the last item with a positive weight.
  for (let i = items.length - 1; i >= 0; i--) if ((weights[i] ?? 0) > 0) return items[i] as T;
  throw new RangeError('unreachable');
}

/** A shuffled copy (Fisher–Yates); the input is left alone. */
export function shuffle<T>(prng: Prng, items: readonly T[]): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = prng.int(0, i);
    const tmp = out[i] as T;
    out[i] = out[j] as T;
    out[j] = tmp;
  }
  return out;
}
