/**
 * Character sets the terminal prints in, for the layouts (can this text be printed?) and the
 * decoder (what did these bytes say?).
 *
 * The encoder library handles the single-byte code pages, but it has no Chinese: a cinema in
 * China prints film titles in GB18030 with the printer in its double-byte "Chinese character
 * mode" (FS &). Node has no GB18030 *encoder* (TextEncoder is UTF-8 only) but its ICU has the
 * decoder, so the encoding table is built once by decoding every two-byte code: no dependency,
 * and it agrees with the decoder by construction.
 */

/** Code pages a printer can be configured with (see `hardware-config.ts`). */
export const PRINTER_CODEPAGES = ['cp437', 'windows1252', 'gb18030'] as const;
export type PrinterCodepage = (typeof PRINTER_CODEPAGES)[number];

/** Upper half (0x80–0xFF) of IBM code page 437, the default page of every ESC/POS printer. */
const CP437_HIGH =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';

/**
 * 0x80–0x9F of Windows-1252 (the rest of its upper half is Latin-1). Spelled out because Node's
 * TextDecoder treats the `windows-1252` label as Latin-1 and returns C1 controls there. The five
 * unassigned bytes are U+FFFD, which no text contains, so nothing is ever encoded to them.
 */
const WINDOWS1252_80_9F = '€\ufffd‚ƒ„…†‡ˆ‰Š‹Œ\ufffdŽ\ufffd\ufffd‘’“”•–—˜™š›œ\ufffdžŸ';

/** Epson's `ESC t n` numbers for the single-byte pages we print in (the virtual printer is an Epson). */
export const EPSON_CODEPAGE_NUMBERS: Readonly<Record<number, 'cp437' | 'windows1252'>> = {
  0: 'cp437',
  16: 'windows1252',
};

const tables = new Map<string, readonly string[]>();

/** The 256 characters of a single-byte page, indexed by byte (control bytes map to themselves). */
export function singleByteTable(codepage: 'cp437' | 'windows1252'): readonly string[] {
  let table = tables.get(codepage);
  if (table === undefined) {
    const low = Array.from({ length: 128 }, (_, i) => String.fromCharCode(i));
    const high =
      codepage === 'cp437'
        ? Array.from(CP437_HIGH)
        : [
            ...Array.from(WINDOWS1252_80_9F),
            ...Array.from({ length: 0x60 }, (_, i) => String.fromCharCode(0xa0 + i)),
          ];
    table = [...low, ...high];
    tables.set(codepage, table);
  }
  return table;
}

const reverse = new Map<string, ReadonlyMap<string, number>>();

function reverseTable(codepage: 'cp437' | 'windows1252'): ReadonlyMap<string, number> {
  let map = reverse.get(codepage);
  if (map === undefined) {
    const built = new Map<string, number>();
    singleByteTable(codepage).forEach((char, byte) => {
      // Printable characters only: a control byte in text would be a command to the printer.
      if (byte >= 0x20 && byte !== 0x7f && !built.has(char)) built.set(char, byte);
    });
    map = built;
    reverse.set(codepage, map);
  }
  return map;
}

/** Whether a single-byte page has every character of `text`. */
export function fitsSingleByte(text: string, codepage: 'cp437' | 'windows1252'): boolean {
  const map = reverseTable(codepage);
  for (const char of text) if (!map.has(char)) return false;
  return true;
}

/** `text` with every character the page lacks replaced by `?`, so nothing unprintable reaches the encoder. */
export function sanitizeSingleByte(text: string, codepage: 'cp437' | 'windows1252'): string {
  const map = reverseTable(codepage);
  let out = '';
  for (const char of text) out += map.has(char) ? char : '?';
  return out;
}

// ---------------------------------------------------------------------------------------------
// GB18030 (double-byte part, which is GBK: every Chinese character a film title uses)

let gbTable: ReadonlyMap<string, number> | undefined;

function gb18030Table(): ReadonlyMap<string, number> {
  if (gbTable !== undefined) return gbTable;
  const codes: number[] = [];
  const bytes: number[] = [];
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      codes.push((lead << 8) | trail);
      bytes.push(lead, trail);
    }
  }
  // Every two-byte code decodes to exactly one BMP character (or U+FFFD), so the decoded string
  // lines up with `codes`.
  const chars = Array.from(new TextDecoder('gb18030').decode(Uint8Array.from(bytes)));
  const map = new Map<string, number>();
  if (chars.length === codes.length) {
    chars.forEach((char, i) => {
      const code = codes[i];
      if (char !== '\ufffd' && code !== undefined && !map.has(char)) map.set(char, code);
    });
  }
  gbTable = map;
  return map;
}

/** The yen/yuan sign has only a four-byte code in GB18030, which cheap printers lack; use the full-width one. */
const GB_SUBSTITUTES: Readonly<Record<string, string>> = { '¥': '￥' };

/** The text as a GB18030 printer will print it (what its width must be measured on). */
export function asGbText(text: string): string {
  let out = '';
  for (const char of text) out += GB_SUBSTITUTES[char] ?? char;
  return out;
}

export function fitsGb18030(text: string): boolean {
  const table = gb18030Table();
  for (const raw of text) {
    const char = GB_SUBSTITUTES[raw] ?? raw;
    const code = char.codePointAt(0) ?? 0;
    if (code >= 0x20 && code < 0x7f) continue;
    if (!table.has(char)) return false;
  }
  return true;
}

/** GB18030 bytes of `text`; characters outside the two-byte range become `?`. */
export function encodeGb18030(text: string): number[] {
  const table = gb18030Table();
  const out: number[] = [];
  for (const raw of text) {
    const char = GB_SUBSTITUTES[raw] ?? raw;
    const code = char.codePointAt(0) ?? 0;
    if (code >= 0x20 && code < 0x7f) {
      out.push(code);
      continue;
    }
    const gb = table.get(char);
    if (gb === undefined) out.push(0x3f);
    else out.push(gb >> 8, gb & 0xff);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Width on paper

/** East Asian wide and full-width characters take two columns on a receipt printer. */
function isWide(code: number): boolean {
  return (
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0xa4cf && code !== 0x303f) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    code >= 0x20000
  );
}

export function charColumns(char: string): number {
  return isWide(char.codePointAt(0) ?? 0) ? 2 : 1;
}

/** Columns `text` takes at normal width. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) width += charColumns(char);
  return width;
}
