/**
 * A camera decodes the same QR code many times a second while it is held up; the door must judge
 * it once. A code is accepted again only after it has been out of sight for `windowMs` (every
 * repeat inside the window extends it), so a ticket held in front of the camera is one scan, and
 * the same ticket shown again later is a second scan (and gets "already used").
 */
export function createScanDeduper(windowMs: number): (text: string, at: number) => boolean {
  let lastText: string | undefined;
  let lastAt = Number.NEGATIVE_INFINITY;
  return (text, at) => {
    const repeat = text === lastText && at - lastAt < windowMs;
    lastText = text;
    lastAt = at;
    return !repeat;
  };
}
