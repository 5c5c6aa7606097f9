import { t } from '../../i18n/messages';
import { assetUrl } from '../../services/http';
import { drawPoster, POSTER_HEIGHT, POSTER_WIDTH, type PosterContent, type PosterContext, type PosterImage } from './draw';

/**
 * H5 (see surface.ts): the poster is drawn on an offscreen canvas and shown as an <img> of its
 * data URL, which the shopper long-presses to save (or downloads); no album API on the web.
 */
export const POSTER_CANVAS_ID = 'share-poster-canvas';
/** No album API on the web: the shopper long-presses the image, or downloads it with the link. */
export function SaveAction({ file }: { file: string }) {
  return (
    <div className="poster-sheet__hint">
      <span>{t('share.h5Hint')}</span>
      <a className="poster-sheet__download" href={file} download="poster.png">
        {t('share.download')}
      </a>
    </div>
  );
}

export function PosterCanvas() {
  return null;
}

function loadImage(src: string): Promise<PosterImage | null> {
  return new Promise((resolve) => {
    const image = new Image();
    // Same origin in production (the API serves the images); anonymous CORS keeps the canvas exportable elsewhere.
    image.crossOrigin = 'anonymous';
    // An HTMLImageElement's width and height are its natural size once loaded (it is not in the page).
    image.onload = () => resolve(image);
    image.onerror = () => resolve(null);
    image.src = src;
  });
}

export async function renderPoster(content: PosterContent, productSrc: string | readonly string[], codeSrc: string): Promise<string> {
  const canvas = document.createElement('canvas');
  const ratio = Math.min(3, Math.max(1, window.devicePixelRatio || 1));
  canvas.width = POSTER_WIDTH * ratio;
  canvas.height = POSTER_HEIGHT * ratio;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2d canvas');
  ctx.scale(ratio, ratio);
  const sources = typeof productSrc === 'string' ? [productSrc] : productSrc;
  const [code, ...products] = await Promise.all([loadImage(codeSrc), ...sources.map((src) => loadImage(assetUrl(src)))]);
  if (!code) throw new Error('the code image could not be loaded');
  const single = typeof productSrc === 'string';
  drawPoster(ctx as unknown as PosterContext, content, single ? (products[0] ?? null) : products, code);
  try {
    return canvas.toDataURL('image/png');
  } catch {
    // A product image from another origin without CORS taints the canvas: draw without them.
    drawPoster(ctx as unknown as PosterContext, content, single ? null : products.map(() => null), code);
    return canvas.toDataURL('image/png');
  }
}

