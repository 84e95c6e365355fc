/**
 * Draws a decoded page the way a thermal printer would put it on paper, as a PNG: font A cells of
 * 12 × 24 dots, double width/height, bold, inverted text, and QR codes module for module, so a
 * newcomer sees a real-looking ticket and tests can scan its QR with a real decoder (zbarimg).
 *
 * Glyphs come from a classic public-domain 5 × 8 font (ASCII only, drawn 2 × 2 per dot); other
 * characters — Chinese, box drawing — are drawn as boxes. The `.txt` next to the PNG has the
 * exact text.
 */
import { PNG } from 'pngjs';
import QRCode from 'qrcode';
import type { Alignment, PrintedLine, PrintedPage, TextStyle } from './escpos-decode.ts';
import { charColumns, displayWidth } from './codepages.ts';

/** Columns of 0x20–0x7E, five bytes each, least significant bit at the top. */
const FONT_5X8 =
  '0000000000' +
  '00005f0000' +
  '0007000700' +
  '147f147f14' +
  '242a7f2a12' +
  '2313086462' +
  '3649562050' +
  '0008070300' +
  '001c224100' +
  '0041221c00' +
  '2a1c7f1c2a' +
  '08083e0808' +
  '0080703000' +
  '0808080808' +
  '0000606000' +
  '2010080402' +
  '3e5149453e' +
  '00427f4000' +
  '7249494946' +
  '2141494d33' +
  '1814127f10' +
  '2745454539' +
  '3c4a494931' +
  '4121110907' +
  '3649494936' +
  '464949291e' +
  '0000140000' +
  '0040340000' +
  '0008142241' +
  '1414141414' +
  '0041221408' +
  '0201590906' +
  '3e415d594e' +
  '7c1211127c' +
  '7f49494936' +
  '3e41414122' +
  '7f4141413e' +
  '7f49494941' +
  '7f09090901' +
  '3e41415173' +
  '7f0808087f' +
  '00417f4100' +
  '2040413f01' +
  '7f08142241' +
  '7f40404040' +
  '7f021c027f' +
  '7f0408107f' +
  '3e4141413e' +
  '7f09090906' +
  '3e4151215e' +
  '7f09192946' +
  '2649494932' +
  '03017f0103' +
  '3f4040403f' +
  '1f2040201f' +
  '3f4038403f' +
  '6314081463' +
  '0304780403' +
  '6159494d43' +
  '007f414141' +
  '0204081020' +
  '004141417f' +
  '0402010204' +
  '4040404040' +
  '0003070800' +
  '2054547840' +
  '7f28444438' +
  '3844444428' +
  '384444287f' +
  '3854545418' +
  '00087e0902' +
  '18a4a49c78' +
  '7f08040478' +
  '00447d4000' +
  '2040403d00' +
  '7f10284400' +
  '00417f4000' +
  '7c04780478' +
  '7c08040478' +
  '3844444438' +
  'fc18242418' +
  '18242418fc' +
  '7c08040408' +
  '4854545424' +
  '04043f4424' +
  '3c4040207c' +
  '1c2040201c' +
  '3c4030403c' +
  '4428102844' +
  '4c9090907c' +
  '4464544c44' +
  '0008364100' +
  '0000770000' +
  '0041360800' +
  '0201020402';

const CELL_W = 12;
const CELL_H = 24;
/** Line pitch of the default line spacing (ESC 2): about 1/6 inch at 203 dpi. */
const LINE_PITCH = 30;
const MARGIN = 16;

/** A few characters beyond ASCII that tickets print: prices in yuan/yen, separators. */
const EXTRA_GLYPHS: Readonly<Record<string, number[]>> = {
  '¥': [0x2b, 0x2c, 0x78, 0x2c, 0x2b],
  '·': [0x00, 0x00, 0x08, 0x00, 0x00],
  '£': [0x48, 0x7e, 0x49, 0x41, 0x42],
};

function glyph(char: string): number[] | undefined {
  const extra = EXTRA_GLYPHS[char];
  if (extra !== undefined) return extra;
  const code = char.charCodeAt(0);
  if (char.length !== 1 || code < 0x20 || code > 0x7e) return undefined;
  const at = (code - 0x20) * 10;
  return [0, 2, 4, 6, 8].map((o) => parseInt(FONT_5X8.slice(at + o, at + o + 2), 16));
}

class Canvas {
  readonly png: PNG;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.png = new PNG({ width, height, colorType: 0, inputColorType: 0, bitDepth: 8 });
    this.png.data.fill(255);
  }

  set(x: number, y: number, black: boolean): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const i = (y * this.width + x) * 4;
    const v = black ? 0 : 255;
    this.png.data[i] = v;
    this.png.data[i + 1] = v;
    this.png.data[i + 2] = v;
    this.png.data[i + 3] = 255;
  }

  rect(x: number, y: number, w: number, h: number, black: boolean): void {
    for (let dy = 0; dy < h; dy++) for (let dx = 0; dx < w; dx++) this.set(x + dx, y + dy, black);
  }
}

function lineHeight(line: PrintedLine): number {
  switch (line.kind) {
    case 'text':
      return LINE_PITCH * Math.max(1, ...line.segments.map((s) => s.style.height));
    case 'qr':
      return qrMatrix(line.data, line.errorLevel).size * line.size + LINE_PITCH / 2;
    case 'image':
      return line.height;
    case 'barcode':
      return 80;
  }
}

function qrMatrix(data: string, errorLevel: 'L' | 'M' | 'Q' | 'H') {
  // A printer picks the densest mode the data allows; for base45 tokens that is alphanumeric.
  const alphanumeric = /^[0-9A-Z $%*+\-./:]*$/.test(data);
  const qr = QRCode.create(alphanumeric ? [{ data, mode: 'alphanumeric' }] : data, {
    errorCorrectionLevel: errorLevel,
  });
  return qr.modules;
}

function x0(align: Alignment, contentWidth: number, paperWidth: number): number {
  if (align === 'center') return Math.floor((paperWidth - contentWidth) / 2);
  if (align === 'right') return paperWidth - contentWidth;
  return 0;
}

function drawChar(canvas: Canvas, char: string, x: number, y: number, style: TextStyle): number {
  const sx = style.width;
  const sy = style.height;
  const columns = charColumns(char);
  const cellW = CELL_W * columns * sx;
  const cellH = CELL_H * sy;
  if (style.invert) canvas.rect(x, y, cellW, cellH, true);
  const ink = !style.invert;
  const bits = glyph(char);
  if (char === '─' || char === '═') {
    // Rules join up across cells, as on paper.
    const middle = y + Math.floor(cellH / 2);
    if (char === '─') canvas.rect(x, middle - 1, cellW, 2, ink);
    else {
      canvas.rect(x, middle - 3, cellW, 2, ink);
      canvas.rect(x, middle + 1, cellW, 2, ink);
    }
  } else if (bits === undefined) {
    if (char !== ' ' && char !== '\u00a0') {
      // Not in the font: an outlined box of the character's width.
      const w = cellW - 4 * sx;
      const h = 18 * sy;
      canvas.rect(x + 2 * sx, y + 3 * sy, w, 2, ink);
      canvas.rect(x + 2 * sx, y + 3 * sy + h - 2, w, 2, ink);
      canvas.rect(x + 2 * sx, y + 3 * sy, 2, h, ink);
      canvas.rect(x + 2 * sx + w - 2, y + 3 * sy, 2, h, ink);
    }
  } else {
    const dot = 2;
    bits.forEach((column, cx) => {
      for (let cy = 0; cy < 8; cy++) {
        if ((column >> cy) & 1) {
          const px = x + (1 + cx * dot) * sx;
          const py = y + (4 + cy * dot) * sy;
          canvas.rect(px, py, dot * sx + (style.bold ? 1 : 0), dot * sy, ink);
        }
      }
    });
  }
  if (style.underline) canvas.rect(x, y + cellH - 2, cellW, 2, ink);
  return cellW;
}

/** A PNG of the page, `columns × 12` dots wide (576 for 80 mm paper, 384 for 58 mm). */
export function renderPagePng(page: PrintedPage, columns: number): Buffer {
  const paper = columns * CELL_W;
  const height = MARGIN * 2 + page.lines.reduce((sum, line) => sum + lineHeight(line), 0);
  const canvas = new Canvas(paper + MARGIN * 2, Math.max(height, MARGIN * 2 + 1));
  let y = MARGIN;
  for (const line of page.lines) {
    const h = lineHeight(line);
    switch (line.kind) {
      case 'text': {
        const width = line.segments.reduce(
          (sum, s) => sum + CELL_W * displayWidth(s.text) * s.style.width,
          0,
        );
        let x = MARGIN + x0(line.align, Math.min(width, paper), paper);
        const baseline = y + h - LINE_PITCH * Math.max(1, ...line.segments.map((s) => s.style.height));
        for (const segment of line.segments) {
          for (const char of segment.text) {
            if (x - MARGIN >= paper) break;
            x += drawChar(canvas, char, x, baseline, segment.style);
          }
        }
        break;
      }
      case 'qr': {
        const modules = qrMatrix(line.data, line.errorLevel);
        const size = modules.size * line.size;
        const left = MARGIN + x0(line.align, size, paper);
        for (let r = 0; r < modules.size; r++)
          for (let c = 0; c < modules.size; c++)
            if (modules.get(r, c))
              canvas.rect(left + c * line.size, y + r * line.size, line.size, line.size, true);
        break;
      }
      case 'image':
      case 'barcode': {
        // Not printed by the terminal; a grey frame shows where it would be.
        const w = line.kind === 'image' ? Math.min(line.width, paper) : paper / 2;
        const left = MARGIN + x0(line.align, w, paper);
        canvas.rect(left, y, w, 1, true);
        canvas.rect(left, y + h - 1, w, 1, true);
        break;
      }
    }
    y += h;
  }
  return PNG.sync.write(canvas.png, { colorType: 0 });
}
