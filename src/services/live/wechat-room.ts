import Taro from '@tarojs/taro';
import { decodeParam } from '../referral/landing';

/**
 * The WeChat live-player-plugin room of a session (docs/live.md, "Distribution"): WeChat 小程序直播
 * plays the room in its own plugin page, opened by
 *
 *   plugin-private://wx2b03c6e691cd7370/pages/live-player-plugin?room_id=<id>&custom_params=<encodeURIComponent(JSON)>
 *
 * `custom_params` (at most 600 characters, cut beyond by WeChat) comes back on the product page
 * a viewer opens from the room's goods (its query's `custom_params`) and on the room's share
 * cards: it carries the session (`live`) and the viewer's promoter token (`rt`), so an order from
 * the room is priced by the session and attributed like any shared link.
 *
 * The plugin must be declared in the weapp's app.json (`plugins`), which WeChat accepts only for
 * an app id that added the plugin: the build declares it when TARO_APP_WECHAT_LIVE_PLUGIN names
 * its version (src/app.config.ts); otherwise the room cannot be opened and
 * wechatRoomAvailable() says so (the page shows our own player instead).
 */
export const WECHAT_LIVE_PLUGIN = 'wx2b03c6e691cd7370';
export const CUSTOM_PARAMS_MAX = 600;

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const TOKEN = /^[0-9A-Za-z]{1,64}$/;

export interface RoomParams {
  /** The live session (`live`). */
  sessionId: string | null;
  /** The promoter's attribution token (`rt`). */
  token: string | null;
}

/** The custom_params value (encoded), within WeChat's 600 characters: the token is left out before the session would be. */
export function customParams(sessionId: string, token?: string | null): string {
  const withToken = token && TOKEN.test(token) ? encodeURIComponent(JSON.stringify({ live: sessionId, rt: token })) : null;
  if (withToken && withToken.length <= CUSTOM_PARAMS_MAX) return withToken;
  return encodeURIComponent(JSON.stringify({ live: sessionId }));
}

/** The plugin page's URL for a room, carrying the session and the token. */
export function wechatRoomUrl(roomId: number, sessionId: string, token?: string | null): string {
  return `plugin-private://${WECHAT_LIVE_PLUGIN}/pages/live-player-plugin?room_id=${roomId}&custom_params=${customParams(sessionId, token)}`;
}

/** A custom_params value as a page receives it (encoded once or twice, or already decoded): the session and the token it names. */
export function parseCustomParams(value: string | undefined | null): RoomParams {
  const none: RoomParams = { sessionId: null, token: null };
  if (!value) return none;
  let parsed: unknown;
  try {
    parsed = JSON.parse(decodeParam(value));
  } catch {
    return none;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return none;
  const o = parsed as Record<string, unknown>;
  const sessionId = typeof o.live === 'string' && ID.test(o.live) ? o.live : null;
  const token = typeof o.rt === 'string' && TOKEN.test(o.rt) ? o.rt : null;
  return { sessionId, token };
}

/** The session a page was opened from: its `live` query (WeChat room goods' url, the Douyin mount) or custom_params' `live`. */
export function liveSessionOf(params: Record<string, string | undefined>): string | null {
  if (params.live && ID.test(params.live)) return params.live;
  return parseCustomParams(params.custom_params).sessionId;
}

/** Whether this build can open a WeChat room: the weapp, with the plugin declared. */
export function wechatRoomAvailable(env: { TARO_ENV?: string; TARO_APP_WECHAT_LIVE_PLUGIN?: string } = process.env): boolean {
  return env.TARO_ENV === 'weapp' && !!env.TARO_APP_WECHAT_LIVE_PLUGIN;
}

/**
 * Opens the session's WeChat room when the session has one and this build can; false otherwise
 * (the caller stays on its own player). For the viewer's page (pages/live/room).
 */
export async function openWechatRoom(session: { id: string; wechatRoomId: number | null }, token?: string | null): Promise<boolean> {
  if (session.wechatRoomId === null || !wechatRoomAvailable()) return false;
  try {
    await Taro.navigateTo({ url: wechatRoomUrl(session.wechatRoomId, session.id, token) });
    return true;
  } catch {
    return false;
  }
}
