import { Canvas } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { t } from '../../i18n/messages';
import { assetUrl } from '../../services/http';
import { Press } from '../primitives';
import { drawPoster, POSTER_HEIGHT, POSTER_WIDTH, type PosterContent, type PosterContext, type PosterImage } from './draw';

/**
 * Where the poster is drawn and how it is kept, per platform. This file is the mini-programs'
 * (WeChat, Alipay, Douyin): a Taro Canvas of type 2d, found with createSelectorQuery().select().node(), exported
 * with canvasToTempFilePath, saved with saveImageToPhotosAlbum. surface.h5.ts is H5's: an
 * offscreen canvas exported as a data URL the shopper long-presses or downloads.
 */
export const POSTER_CANVAS_ID = 'share-poster-canvas';

/** How the shopper keeps the poster: here, 保存到相册 (H5: a long-press hint and a download link). */
export function SaveAction({ file }: { file: string }) {
  return (
    <Press onClick={() => void savePoster(file)} data-testid="poster-save">
      {t('share.save')}
    </Press>
  );
}

/** The canvas the poster is drawn on, off screen (the sheet shows the exported image). */
export function PosterCanvas() {
  return (
    <Canvas
      type="2d"
      id={POSTER_CANVAS_ID}
      className="poster__canvas"
      style={{ width: `${POSTER_WIDTH}px`, height: `${POSTER_HEIGHT}px` }}
    />
  );
}

interface CanvasNode {
  width: number;
  height: number;
  getContext(type: '2d'): PosterContext & { scale(x: number, y: number): void };
  createImage(): PosterImage & { src: string; onload: (() => void) | null; onerror: (() => void) | null };
}

function canvasNode(): Promise<CanvasNode> {
  return new Promise((resolve, reject) => {
    Taro.createSelectorQuery()
      .select(`#${POSTER_CANVAS_ID}`)
      // node() rather than fields({ node: true }): Alipay (base library 2.0) has only node().
      .node()
      .exec((res: { node?: CanvasNode }[] | null) => {
        const node = res?.[0]?.node;
        if (node) resolve(node);
        else reject(new Error('the poster canvas is not on the page'));
      });
  });
}

function loadImage(canvas: CanvasNode, src: string): Promise<PosterImage | null> {
  return new Promise((resolve) => {
    const image = canvas.createImage();
    image.onload = () => resolve(image);
    image.onerror = () => resolve(null);
    image.src = src;
  });
}

/**
 * The code as a local file: a data URL is written to the user data folder once per code, since
 * not every host's canvas image takes base64 sources. The data URL itself when that fails.
 */
function codeFile(dataUrl: string): Promise<string> {
  const m = /^data:image\/(png|jpeg);base64,(.+)$/.exec(dataUrl);
  const dir = Taro.env?.USER_DATA_PATH;
  if (!m || !dir) return Promise.resolve(dataUrl);
  // A short hash of the data names the file, so a code drawn again reuses it.
  let hash = 0;
  for (let i = 0; i < m[2].length; i += 7) hash = (hash * 31 + m[2].charCodeAt(i)) | 0;
  const filePath = `${dir}/share-code-${(hash >>> 0).toString(36)}-${m[2].length}.${m[1] === 'jpeg' ? 'jpg' : 'png'}`;
  return new Promise((resolve) => {
    try {
      Taro.getFileSystemManager().writeFile({
        filePath,
        data: m[2],
        encoding: 'base64',
        success: () => resolve(filePath),
        fail: () => resolve(dataUrl),
      });
    } catch {
      resolve(dataUrl);
    }
  });
}

function pixelRatio(): number {
  try {
    return Math.min(3, Math.max(1, Taro.getSystemInfoSync().pixelRatio || 2));
  } catch {
    return 2;
  }
}

/** Draws the poster and answers its image file (a temporary path). A product image may fail (a grey square); the code may not. */
export async function renderPoster(content: PosterContent, productSrc: string | readonly string[], codeSrc: string): Promise<string> {
  const canvas = await canvasNode();
  const ratio = pixelRatio();
  canvas.width = POSTER_WIDTH * ratio;
  canvas.height = POSTER_HEIGHT * ratio;
  const ctx = canvas.getContext('2d');
  ctx.scale(ratio, ratio);
  const sources = typeof productSrc === 'string' ? [productSrc] : productSrc;
  const [code, ...products] = await Promise.all([codeFile(codeSrc).then((src) => loadImage(canvas, src)), ...sources.map((src) => loadImage(canvas, assetUrl(src)))]);
  if (!code) throw new Error('the code image could not be loaded');
  drawPoster(ctx, content, typeof productSrc === 'string' ? (products[0] ?? null) : products, code);
  const result: { tempFilePath?: string; apFilePath?: string } = await Taro.canvasToTempFilePath({
    canvas: canvas as never,
    fileType: 'png',
    destWidth: canvas.width,
    destHeight: canvas.height,
  } as never);
  // Alipay answers the file as apFilePath.
  const file = result.tempFilePath || result.apFilePath;
  if (!file) throw new Error('the poster could not be exported');
  return file;
}

const isAuthRefusal = (err: unknown) => /auth|deny|denied|permission/i.test(String((err as { errMsg?: string } | null)?.errMsg ?? err));

async function askForSettings(file: string): Promise<void> {
  const answer = await Taro.showModal({ title: t('share.authTitle'), content: t('share.authContent'), confirmText: t('share.authConfirm') });
  if (!answer.confirm) return;
  const { authSetting } = await Taro.openSetting();
  if (authSetting['scope.writePhotosAlbum']) await save(file, false);
}

async function save(file: string, mayAsk: boolean): Promise<void> {
  try {
    await Taro.saveImageToPhotosAlbum({ filePath: file });
    await Taro.showToast({ title: t('share.saved'), icon: 'success' });
  } catch (err) {
    if (mayAsk && isAuthRefusal(err)) return askForSettings(file);
    // The shopper closed the host's own prompt ("fail cancel"): nothing to say.
    if (/cancel/i.test(String((err as { errMsg?: string } | null)?.errMsg ?? ''))) return;
    await Taro.showToast({ title: t('share.saveFailed'), icon: 'none' });
  }
}

/**
 * Saves the poster to the album. The host asks for scope.writePhotosAlbum the first time; once
 * refused it never asks again, so a refusal (known from getSetting, or the save's error) leads
 * to a modal that opens the settings page, and the save is tried again if the shopper allowed it there.
 */
export async function savePoster(file: string): Promise<void> {
  const setting = await Taro.getSetting().catch(() => null);
  if (setting?.authSetting?.['scope.writePhotosAlbum'] === false) return askForSettings(file);
  return save(file, true);
}
