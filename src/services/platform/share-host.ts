/**
 * What the host does for sharing, per platform (share-host.weapp.ts is WeChat's). Alipay and
 * Douyin show 分享 in the page's menu as soon as the page answers onShareAppMessage
 * (enableShareAppMessage in its config), and have no timeline; H5 has neither. This file serves
 * them (and jest).
 */

/** Turns the page's share menu on where the host needs to be asked (WeChat: send to a chat and the timeline). */
export function enableShareMenu(): void {}

/**
 * Whether the page runs in WeChat's single-page mode, opened from the timeline (scene 1154):
 * no login, storage of its own, no navigation (the host's bar offers to open the mini-program).
 */
export function isTimelineSinglePage(): boolean {
  return false;
}
