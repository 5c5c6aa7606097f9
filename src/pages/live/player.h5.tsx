import { useEffect, useRef, useState } from 'react';
import { Icon } from '@/components';
import { lt } from '@/i18n/live';
import { VolumeX } from './icons';
import { isFlv, isHls, type LivePlayerProps } from './player-types';
import './player.h5.css';

interface HlsInstance {
  loadSource(src: string): void;
  attachMedia(media: HTMLMediaElement): void;
  on(event: string, cb: (event: string, data: { fatal?: boolean }) => void): void;
  destroy(): void;
}

interface FlvPlayer {
  attachMediaElement(media: HTMLMediaElement): void;
  load(): void;
  on(event: string, cb: () => void): void;
  destroy(): void;
}

/**
 * H5's player: a plain <video>. HLS plays natively where the browser has it (Safari, iOS, most
 * Android browsers); elsewhere hls.js. An HTTP-FLV stream (no browser plays FLV itself) goes
 * through mpegts.js, which remuxes it for Media Source Extensions (Chromium-based browsers,
 * Safari; iOS 17.1+ by Apple's ManagedMediaSource). Both libraries are imported only here, so
 * each is a chunk of its own loaded when a stream needs it (never the main bundle: `npm run
 * bench:size` and the built chunks show it). Browsers play sound only after a tap: it starts
 * muted, with a button.
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
    let flv: FlvPlayer | null = null;
    let cancelled = false;
    const play = () => void video.play()?.catch(() => undefined);
    if (isFlv(src)) {
      import(/* webpackChunkName: "mpegts" */ 'mpegts.js').then(
        ({ default: mpegts }) => {
          if (cancelled) return;
          if (!mpegts.isSupported()) {
            onErrorRef.current();
            return;
          }
          // A live stream: no seeking, and the player keeps near the live edge.
          const p = mpegts.createPlayer({ type: 'flv', isLive: true, url: src }, { enableWorker: false, liveBufferLatencyChasing: true }) as unknown as FlvPlayer;
          flv = p;
          p.on(mpegts.Events.ERROR, () => onErrorRef.current());
          p.attachMediaElement(video);
          p.load();
          play();
        },
        () => {
          if (!cancelled) onErrorRef.current();
        },
      );
    } else if (!isHls(src) || video.canPlayType('application/vnd.apple.mpegurl') !== '') {
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
      flv?.destroy();
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
