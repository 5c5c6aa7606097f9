import { useEffect, useRef, useState } from 'react';
import { Icon } from '@/components';
import { lt } from '@/i18n/live';
import { VolumeX } from './icons';
import { isHls, type LivePlayerProps } from './player-types';
import './player.h5.css';

interface HlsInstance {
  loadSource(src: string): void;
  attachMedia(media: HTMLMediaElement): void;
  on(event: string, cb: (event: string, data: { fatal?: boolean }) => void): void;
  destroy(): void;
}

/**
 * H5's player: a plain <video>. HLS plays natively where the browser has it (Safari, iOS, most
 * Android browsers); elsewhere hls.js, imported only here, so it is a chunk of its own that this
 * subpackage loads when a stream needs it (never the main bundle: `npm run bench:size` and the
 * built chunks show it). Browsers play sound only after a tap: it starts muted, with a button.
 */
export function LivePlayer({ src, className, onError }: LivePlayerProps) {
  const ref = useRef<HTMLVideoElement>(null);
  const [muted, setMuted] = useState(true);
  const onErrorRef = useRef(onError);
  onErrorRef.current = onError;

  useEffect(() => {
    const video = ref.current;
    if (!video) return undefined;
    let hls: HlsInstance | null = null;
    let cancelled = false;
    const play = () => void video.play()?.catch(() => undefined);
    if (!isHls(src) || video.canPlayType('application/vnd.apple.mpegurl') !== '') {
      video.src = src;
      play();
    } else {
      import(/* webpackChunkName: "hls" */ 'hls.js').then(
        ({ default: Hls }) => {
          if (cancelled) return;
          if (!Hls.isSupported()) {
            onErrorRef.current();
            return;
          }
          const h = new Hls({ enableWorker: false }) as unknown as HlsInstance;
          hls = h;
          h.on(Hls.Events.MANIFEST_PARSED, play);
          h.on(Hls.Events.ERROR, (_e, data) => {
            if (data.fatal) onErrorRef.current();
          });
          h.loadSource(src);
          h.attachMedia(video);
        },
        () => {
          if (!cancelled) onErrorRef.current();
        },
      );
    }
    return () => {
      cancelled = true;
      hls?.destroy();
      video.removeAttribute('src');
    };
  }, [src]);

  return (
    <>
      <video
        ref={ref}
        className={className}
        muted={muted}
        autoPlay
        loop
        playsInline
        // iOS WeChat's and QQ's in-page players.
        webkit-playsinline="true"
        x5-playsinline="true"
        onError={() => onErrorRef.current()}
        data-testid="live-video"
      />
      {muted && (
        <button type="button" className="live-unmute" onClick={() => setMuted(false)} data-testid="live-unmute">
          <Icon svg={VolumeX} size={36} color="#ffffff" />
          <span>{lt('room.unmute')}</span>
        </button>
      )}
    </>
  );
}
