import { formatPrice } from '@contract/money';
import { t } from '../../i18n/messages';

/**
 * The poster's drawing, on any 2D context (a Taro Canvas of type 2d on the mini-programs, an
 * HTML canvas on H5): the product image, the title wrapped to two lines, the price, the
 * sharer's line and the code. Pure apart from the context, so tests assert its calls.
 */
export interface PosterContent {
  title: string;
  /** Integer fen; null for a poster of no one product (the shop's home page), which shows `tagline` there instead. */
  price: number | null;
  /** The line in the price's place when there is no price. */
  tagline?: string;
  /** The sharer's nickname. */
  sharer: string;
}

/** What the poster draws its images from: anything `drawImage` takes, with its natural size. */
export interface PosterImage {
  width: number;
  height: number;
}

/** The part of CanvasRenderingContext2D the poster uses (the mini-programs' 2d context has it too). */
export interface PosterContext {
  fillStyle: unknown;
  font: string;
  textBaseline: string;
  textAlign: string;
  fillRect(x: number, y: number, w: number, h: number): void;
  fillText(text: string, x: number, y: number): void;
  measureText(text: string): { width: number };
  drawImage(image: never, sx: number, sy: number, sw: number, sh: number, dx: number, dy: number, dw: number, dh: number): void;
}

/** The poster's size in canvas units (drawn at this size times the device pixel ratio). */
export const POSTER_WIDTH = 600;
export const POSTER_HEIGHT = 880;
const PAD = 32;
const CODE_SIZE = 180;
const TEXT_WIDTH = POSTER_WIDTH - PAD * 3 - CODE_SIZE;
// The palette of src/app.css (--color-brand, --color-text, --color-text-weak): a canvas cannot read CSS variables.
const BRAND = '#d12b30';
const TEXT = '#333333';
const WEAK = '#707070';

/**
 * Splits `text` into at most `maxLines` lines no wider than `maxWidth` (character by character:
 * Chinese has no spaces); what does not fit ends the last line with an ellipsis.
 */
export function wrapText(measure: (s: string) => number, text: string, maxWidth: number, maxLines: number): string[] {
  const lines: string[] = [];
  let line = '';
  const chars = Array.from(text.trim());
  for (let i = 0; i < chars.length; i++) {
    const next = line + chars[i];
    if (measure(next) <= maxWidth || line === '') {
      line = next;
      continue;
    }
    if (lines.length === maxLines - 1) {
      let cut = line;
      while (cut.length > 0 && measure(`${cut}…`) > maxWidth) cut = Array.from(cut).slice(0, -1).join('');
      lines.push(`${cut}…`);
      return lines;
    }
    lines.push(line);
    line = chars[i];
  }
  if (line) lines.push(line);
  return lines;
}

/** Source rectangle that fills a square of the image's shorter side, centred (object-fit: cover). */
function cover(image: PosterImage): [number, number, number, number] {
  const side = Math.min(image.width, image.height);
  return [(image.width - side) / 2, (image.height - side) / 2, side, side];
}

/** Draws `image` to fill the square at (x, y) of side `side` (a grey square when it could not be loaded). */
function square(ctx: PosterContext, image: PosterImage | null, x: number, y: number, side: number): void {
  if (image) {
    ctx.drawImage(image as never, ...cover(image), x, y, side, side);
  } else {
    ctx.fillStyle = '#f5f5f5';
    ctx.fillRect(x, y, side, side);
  }
}

/** The gap between the four images of a grid poster (the home page's: four products). */
const GRID_GAP = 4;

/**
 * Draws the poster. `product` is one image (a product poster) or several: four or more make a
 * two-by-two grid of the first four (the shop's home page), fewer use the first.
 */
export function drawPoster(ctx: PosterContext, content: PosterContent, product: PosterImage | null | readonly (PosterImage | null)[], code: PosterImage): void {
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, POSTER_WIDTH, POSTER_HEIGHT);
  ctx.textAlign = 'left';
  ctx.textBaseline = 'top';

  // The product image, a square across the top, or four in a grid.
  const images = Array.isArray(product) ? (product as readonly (PosterImage | null)[]) : [product as PosterImage | null];
  if (images.length >= 4) {
    const side = (POSTER_WIDTH - GRID_GAP) / 2;
    images.slice(0, 4).forEach((image, i) => square(ctx, image, (i % 2) * (side + GRID_GAP), Math.floor(i / 2) * (side + GRID_GAP), side));
  } else {
    square(ctx, images[0] ?? null, 0, 0, POSTER_WIDTH);
  }

  let y = POSTER_WIDTH + PAD;
  ctx.fillStyle = TEXT;
  ctx.font = 'bold 30px sans-serif';
  for (const line of wrapText((s) => ctx.measureText(s).width, content.title, TEXT_WIDTH, 2)) {
    ctx.fillText(line, PAD, y);
    y += 42;
  }

  if (content.price !== null) {
    ctx.fillStyle = BRAND;
    ctx.font = 'bold 40px sans-serif';
    ctx.fillText(formatPrice(content.price), PAD, POSTER_WIDTH + PAD + 96);
  } else if (content.tagline) {
    ctx.fillStyle = BRAND;
    ctx.font = '28px sans-serif';
    ctx.fillText(wrapText((s) => ctx.measureText(s).width, content.tagline, TEXT_WIDTH, 1)[0] ?? '', PAD, POSTER_WIDTH + PAD + 100);
  }

  ctx.fillStyle = WEAK;
  ctx.font = '24px sans-serif';
  const sharer = wrapText((s) => ctx.measureText(s).width, t('share.sharer', { name: content.sharer }), TEXT_WIDTH, 1)[0] ?? '';
  ctx.fillText(sharer, PAD, POSTER_WIDTH + PAD + 160);

  const codeX = POSTER_WIDTH - PAD - CODE_SIZE;
  ctx.drawImage(code as never, 0, 0, code.width, code.height, codeX, POSTER_WIDTH + PAD, CODE_SIZE, CODE_SIZE);
  ctx.font = '20px sans-serif';
  ctx.textAlign = 'center';
  ctx.fillText(t('share.scanHint'), codeX + CODE_SIZE / 2, POSTER_WIDTH + PAD + CODE_SIZE + 12);
}
