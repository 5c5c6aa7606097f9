/**
 * The shape of how the app was opened, shared by launch.ts (mini-programs) and launch.h5.ts.
 */
export interface LaunchInfo {
  /** The page opened, without a leading slash or query ('pages/product/index'); '' when unknown. */
  path: string;
  query: Record<string, string>;
  /** The host's scene number, when it gave one. */
  scene?: number;
}

export type HostOptions = { path?: unknown; query?: unknown; scene?: unknown } | null | undefined;

/** A scene as the contract takes it: an integer 0-100000 (Alipay and Douyin pass strings: '1011', '011004'). */
export function sceneNumber(raw: unknown): number | undefined {
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d{1,6}$/.test(raw) ? Number(raw) : NaN;
  return Number.isInteger(n) && n >= 0 && n <= 100_000 ? n : undefined;
}

export function launchInfoOf(options: HostOptions): LaunchInfo {
  const query: Record<string, string> = {};
  if (options?.query && typeof options.query === 'object') {
    for (const [k, v] of Object.entries(options.query as Record<string, unknown>)) if (typeof v === 'string') query[k] = v;
  }
  const path = typeof options?.path === 'string' ? options.path.replace(/^\//, '').split('?')[0] : '';
  return { path, query, scene: sceneNumber(options?.scene) };
}
