import { Video } from '@tarojs/components';
import type { LivePlayerProps } from './player-types';

/**
 * The mini-programs' player: the host's video component plays HLS (and FLV) natively on WeChat,
 * Douyin and Alipay. Full-bleed (cover), no controls, playing at once; the demo stream is a short
 * recording, so it loops (a live playlist never ends, so looping changes nothing there).
 */
export function LivePlayer({ src, className, onError }: LivePlayerProps) {
  return (
    <Video
      className={className}
      src={src}
      autoplay
      loop
      controls={false}
      showCenterPlayBtn={false}
      showPlayBtn={false}
      showFullscreenBtn={false}
      showProgress={false}
      enableProgressGesture={false}
      objectFit="cover"
      onError={onError}
      data-testid="live-video"
    />
  );
}
