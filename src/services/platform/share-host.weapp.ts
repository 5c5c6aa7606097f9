/**
 * WeChat (see share-host.ts): 转发 and 分享到朋友圈 are offered once the page asks with
 * showShareMenu (with a share ticket, so a group share can be told apart later), and the page
 * answers onShareAppMessage and onShareTimeline (enableShareAppMessage, enableShareTimeline).
 */
import Taro from '@tarojs/taro';
import { enterInfo } from './launch';

/** The scene of a page opened from the timeline, in single-page mode (单页模式). */
export const TIMELINE_SCENE = 1154;

export function enableShareMenu(): void {
  try {
    // Taro's WeChat API sets wx.showShareMenu's `menus` from `showShareItems` (wechatFriends ->
    // shareAppMessage, wechatMoment -> shareTimeline) and overwrites a `menus` given directly.
    void Taro.showShareMenu({ withShareTicket: true, showShareItems: ['wechatFriends', 'wechatMoment'] }).catch(() => undefined);
  } catch {
    // An old base library without the API: the page's handlers still answer the menu's 转发.
  }
}

export function isTimelineSinglePage(): boolean {
  return enterInfo().scene === TIMELINE_SCENE;
}
