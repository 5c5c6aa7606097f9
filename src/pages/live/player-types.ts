/** The room's video (player.tsx on the mini-programs, player.h5.tsx on H5): one interface. */
export interface LivePlayerProps {
  /** The stream's URL, absolute (assetUrl of the session's playback URL). */
  src: string;
  className: string;
  /** The stream cannot be played (a fatal error): the room offers to try again. */
  onError: () => void;
}

/** Whether a URL names an HLS playlist. */
export const isHls = (url: string): boolean => /\.m3u8(\?|#|$)/i.test(url);

/** Whether a URL names an HTTP-FLV stream (what most Chinese live CDNs serve beside HLS). */
export const isFlv = (url: string): boolean => /\.flv(\?|#|$)/i.test(url);
