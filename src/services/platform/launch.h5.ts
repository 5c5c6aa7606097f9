/**
 * H5 (see launch.ts): the landing is the URL the browser opened, read once when the app starts
 * (before the router moves on): the hash route's page and query. There is no scene number.
 */
import type { LaunchInfo } from './launch-info';

export type { LaunchInfo } from './launch-info';

function fromLocation(): LaunchInfo {
  if (typeof window === 'undefined') return { path: '', query: {} };
  const hash = window.location.hash.replace(/^#\/?/, '');
  const [path, search = ''] = hash.split('?');
  const query: Record<string, string> = {};
  new URLSearchParams(search).forEach((v, k) => {
    query[k] = v;
  });
  return { path, query };
}

const atStart = fromLocation();

export function launchInfo(): LaunchInfo {
  return atStart;
}

export function enterInfo(): LaunchInfo {
  return atStart;
}
