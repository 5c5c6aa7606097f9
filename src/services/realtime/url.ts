import { apiBase } from '../http';

export const REALTIME_PATH = '/api/realtime';

/**
 * The socket's address, from the API base the request client uses: http(s)://host -> ws(s)://host
 * + /api/realtime. An empty base (H5 served by the API) means the page's own origin, with wss:
 * when the page came over https:.
 */
export function realtimeUrl(base: string = apiBase(), location?: { protocol: string; host: string }): string {
  if (base === '') {
    const loc = location ?? (typeof window !== 'undefined' ? window.location : undefined);
    if (!loc) throw new Error('realtime: no API base and no page location to derive the socket address from');
    return `${loc.protocol === 'https:' ? 'wss:' : 'ws:'}//${loc.host}${REALTIME_PATH}`;
  }
  const trimmed = base.endsWith('/') ? base.slice(0, -1) : base;
  if (/^wss?:\/\//i.test(trimmed)) return `${trimmed}${REALTIME_PATH}`;
  const m = /^(https?):\/\/(.+)$/i.exec(trimmed);
  if (!m) throw new Error(`realtime: the API base ${base} is not an http(s) URL`);
  return `${m[1].toLowerCase() === 'https' ? 'wss' : 'ws'}://${m[2]}${REALTIME_PATH}`;
}
