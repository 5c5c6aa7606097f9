/**
 * WeChat (see share-host.ts): 转发 and 分享到朋友圈 are offered once the page asks with
 * showShareMenu (with a share ticket, so a group share can be told apart later), and the page
 * answers onShareAppMessage and onShareTimeline (enableShareAppMessage, enableShareTimeline).
 */
import Taro from '@tarojs/taro';
import { enterInfo } from './launch';

/** The scene of a page opened from the timeline, in single-page mode (单页模式). */
export const TIMELINE_SCENE = 1154;

/** WeChat's showShareMenu takes `menus` (base library 2.11.3); Taro's type lists only withShareTicket. */
type ShareMenuOption = Taro.showShareMenu.Option & { menus: ('shareAppMessage' | 'shareTimeline')[] };

export function enableShareMenu(): void {
  const option: ShareMenuOption = { withShareTicket: true, menus: ['shareAppMessage', 'shareTimeline'] };
  try {
    void Taro.showShareMenu(option).catch(() => undefined);
  } catch {
    // An old base library without the API: the page's handlers still answer the menu's 转发.
  }
}

export function isTimelineSinglePage(): boolean {
  return enterInfo().scene === TIMELINE_SCENE;
}
