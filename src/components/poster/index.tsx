import type { SharePage } from '@contract/share';
import { useEffect, useState } from 'react';
import { t } from '../../i18n/messages';
import { useShareCode } from '../../services/share/shareCode';
import { Picture } from '../picture';
import { Box, Inline, Press, Tap } from '../primitives';
import type { PosterContent } from './draw';
import { PosterCanvas, renderPoster, SaveAction } from './surface';
import './index.css';

/**
 * The share poster (docs/share.md) in a bottom sheet: the platform's code for `page` and `scene`
 * (POST /api/share/code), drawn with the product's image, title, price and the sharer's line on
 * a canvas; 保存到相册 on the mini-programs, a long press or a download on H5. Imported by its
 * own module (not the components index), so it stays out of the main package.
 */
export interface PosterSheetProps {
  open: boolean;
  onClose: () => void;
  page: SharePage;
  /** At most 32 characters of WeChat's scene alphabet (the attribution token and what the page needs). */
  scene: string;
  content: PosterContent;
  /** The product image (an API image path or a URL), or four for a grid (the shop's home page). */
  image: string | readonly string[];
}

type Drawn = { state: 'drawing' } | { state: 'done'; file: string } | { state: 'failed' };

export function PosterSheet({ open, onClose, page, scene, content, image }: PosterSheetProps) {
  const code = useShareCode({ page, scene }, open);
  const [drawn, setDrawn] = useState<Drawn>({ state: 'drawing' });
  const [attempt, setAttempt] = useState(0);
  const codeImage = code.data?.image;
  const { title, price, tagline, sharer } = content;
  // The images by value: a parent passing a new array of the same images does not redraw the poster.
  const single = typeof image === 'string' ? image : null;
  const grid = typeof image === 'string' ? null : image.join('\n');

  useEffect(() => {
    if (!open || !codeImage) return;
    let live = true;
    setDrawn({ state: 'drawing' });
    renderPoster({ title, price, tagline, sharer }, single ?? (grid ?? '').split('\n'), codeImage).then(
      (file) => live && setDrawn({ state: 'done', file }),
      () => live && setDrawn({ state: 'failed' }),
    );
    return () => {
      live = false;
    };
    // content's fields, not its identity: a parent re-rendering with the same poster does not redraw it.
  }, [open, codeImage, single, grid, title, price, tagline, sharer, attempt]);

  if (!open) return null;
  const failed = code.isError || drawn.state === 'failed';
  const retry = () => {
    if (code.isError) void code.refetch();
    else setAttempt((n) => n + 1);
  };

  return (
    <Box className="poster-layer" data-testid="poster-sheet">
      <Box className="poster-mask" onClick={onClose} aria-hidden="true" />
      <Box className="poster-sheet" role="dialog" aria-label={t('share.posterTitle')}>
        <Box className="poster-sheet__head">
          <Inline className="poster-sheet__title">{t('share.posterTitle')}</Inline>
          <Tap className="poster-sheet__close" onClick={onClose}>
            {t('share.close')}
          </Tap>
        </Box>
        <PosterCanvas />
        {failed ? (
          <Box className="poster-sheet__state" role="alert">
            <Inline>{code.isError ? code.error.message : t('share.failed')}</Inline>
            <Press size="mini" onClick={retry}>{t('share.retry')}</Press>
          </Box>
        ) : drawn.state === 'done' ? (
          <Box className="poster-sheet__body">
            <Picture className="poster-sheet__image" src={drawn.file} alt={t('share.posterAlt', { title: content.title })} mode="aspectFit" />
            <SaveAction file={drawn.file} />
          </Box>
        ) : (
          <Box className="poster-sheet__state" aria-busy="true">
            <Inline>{t('share.drawing')}</Inline>
          </Box>
        )}
      </Box>
    </Box>
  );
}

export type { PosterContent } from './draw';
