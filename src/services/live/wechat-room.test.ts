import Taro from '@tarojs/taro';
import { CUSTOM_PARAMS_MAX, customParams, liveSessionOf, openWechatRoom, parseCustomParams, wechatRoomAvailable, wechatRoomUrl } from './wechat-room';

describe('the WeChat live-player-plugin room link', () => {
  it('opens the plugin page with the room and the session and token in custom_params', () => {
    const url = wechatRoomUrl(2554, 'ls_abc', 'Tok3n');
    expect(url).toBe(`plugin-private://wx2b03c6e691cd7370/pages/live-player-plugin?room_id=2554&custom_params=${encodeURIComponent('{"live":"ls_abc","rt":"Tok3n"}')}`);
    expect(wechatRoomUrl(1, 'ls_abc')).toMatch(/custom_params=%7B%22live%22%3A%22ls_abc%22%7D$/);
  });

  it('keeps custom_params within 600 characters and drops a malformed token', () => {
    expect(customParams('ls_abc', 'not a token!')).toBe(encodeURIComponent('{"live":"ls_abc"}'));
    const longest = customParams('s'.repeat(64), 'T'.repeat(64));
    expect(longest.length).toBeLessThanOrEqual(CUSTOM_PARAMS_MAX);
  });

  it('reads custom_params however the host hands them over: encoded once, twice or decoded', () => {
    const once = customParams('ls_abc', 'Tok3n');
    expect(parseCustomParams(once)).toEqual({ sessionId: 'ls_abc', token: 'Tok3n' });
    expect(parseCustomParams(encodeURIComponent(once))).toEqual({ sessionId: 'ls_abc', token: 'Tok3n' });
    expect(parseCustomParams('{"live":"ls_abc"}')).toEqual({ sessionId: 'ls_abc', token: null });
    expect(parseCustomParams('%7Bbroken')).toEqual({ sessionId: null, token: null });
    expect(parseCustomParams('{"live":"../x","rt":"a b"}')).toEqual({ sessionId: null, token: null });
    expect(parseCustomParams(undefined)).toEqual({ sessionId: null, token: null });
  });

  it("names the page's session from `live` or from custom_params", () => {
    expect(liveSessionOf({ id: 'p1', live: 'ls_1' })).toBe('ls_1');
    expect(liveSessionOf({ id: 'p1', custom_params: customParams('ls_2') })).toBe('ls_2');
    expect(liveSessionOf({ id: 'p1', live: 'bad id!' })).toBeNull();
    expect(liveSessionOf({ id: 'p1' })).toBeNull();
  });

  it('opens the room only on a weapp build that declares the plugin, for a session with a room', async () => {
    expect(wechatRoomAvailable({ TARO_ENV: 'weapp', TARO_APP_WECHAT_LIVE_PLUGIN: '1.3.5' })).toBe(true);
    expect(wechatRoomAvailable({ TARO_ENV: 'weapp' })).toBe(false);
    expect(wechatRoomAvailable({ TARO_ENV: 'tt', TARO_APP_WECHAT_LIVE_PLUGIN: '1.3.5' })).toBe(false);
    const navigate = jest.spyOn(Taro, 'navigateTo').mockResolvedValue({ errMsg: 'navigateTo:ok' } as never);
    const saved = { env: process.env.TARO_ENV, plugin: process.env.TARO_APP_WECHAT_LIVE_PLUGIN };
    try {
      process.env.TARO_ENV = 'weapp';
      process.env.TARO_APP_WECHAT_LIVE_PLUGIN = '1.3.5';
      expect(await openWechatRoom({ id: 'ls_1', wechatRoomId: null })).toBe(false);
      expect(await openWechatRoom({ id: 'ls_1', wechatRoomId: 42 }, 'Tok3n')).toBe(true);
      expect(navigate).toHaveBeenCalledWith({ url: wechatRoomUrl(42, 'ls_1', 'Tok3n') });
      delete process.env.TARO_APP_WECHAT_LIVE_PLUGIN;
      expect(await openWechatRoom({ id: 'ls_1', wechatRoomId: 42 })).toBe(false);
    } finally {
      process.env.TARO_ENV = saved.env;
      if (saved.plugin === undefined) delete process.env.TARO_APP_WECHAT_LIVE_PLUGIN;
      else process.env.TARO_APP_WECHAT_LIVE_PLUGIN = saved.plugin;
      navigate.mockRestore();
    }
  });
});
