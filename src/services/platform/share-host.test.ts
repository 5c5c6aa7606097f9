import Taro from '@tarojs/taro';
import { taroMock } from '@/test/taro-mock';
import type * as WeappHost from './share-host.weapp';

/** WeChat's share host (share-host.weapp.ts): the menus it asks for, and single-page mode from the timeline. */
const weapp = () => jest.requireActual<typeof WeappHost>('./share-host.weapp');

it("asks for both menus (a chat, the timeline) with a share ticket, in Taro's words (the smoke run checks wx's menus)", () => {
  weapp().enableShareMenu();
  expect(Taro.showShareMenu).toHaveBeenCalledWith({ withShareTicket: true, showShareItems: ['wechatFriends', 'wechatMoment'] });
});

it('knows the timeline by its scene, 1154', () => {
  taroMock.setLaunchOptions({ path: 'pages/product/index', query: { id: 'p_1' }, scene: 1154 });
  expect(weapp().isTimelineSinglePage()).toBe(true);
  taroMock.setLaunchOptions({ path: 'pages/product/index', query: { id: 'p_1' }, scene: 1007 });
  expect(weapp().isTimelineSinglePage()).toBe(false);
});
