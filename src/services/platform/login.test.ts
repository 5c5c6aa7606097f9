import Taro from '@tarojs/taro';
import { login as loginWeapp } from './login.weapp';
import { login as loginTt } from './login.tt';
import { sandboxLoginCode } from './sandbox-login';

describe('mini-program login adapters', () => {
  const original = process.env.TARO_APP_SANDBOX;
  afterEach(() => {
    process.env.TARO_APP_SANDBOX = original;
    jest.restoreAllMocks();
  });

  it('sends the platform code from Taro.login in a release build', async () => {
    process.env.TARO_APP_SANDBOX = '0';
    jest.spyOn(Taro, 'login').mockResolvedValue({ code: '0a1b2c3d', errMsg: 'login:ok' } as Taro.login.SuccessCallbackResult);
    await expect(loginWeapp()).resolves.toEqual({ platform: 'weapp', code: '0a1b2c3d' });
  });

  it('sends a fresh sandbox code for a stable device owner in a sandbox build', async () => {
    process.env.TARO_APP_SANDBOX = '1';
    const spy = jest.spyOn(Taro, 'login');
    const a = await loginWeapp();
    const b = await loginTt();
    expect(spy).not.toHaveBeenCalled();
    const owner = (code: string) => /^sandbox-([A-Za-z0-9_-]+)\.\d+$/.exec(code)?.[1];
    expect(owner(a!.code)).toBeTruthy();
    expect(owner(b!.code)).toBe(owner(a!.code));
    expect(b!.platform).toBe('tt');
  });

  it('makes every sandbox code distinct and dated', () => {
    const first = sandboxLoginCode(1_800_000_000_000);
    const second = sandboxLoginCode(1_800_000_000_001);
    expect(first).not.toBe(second);
    expect(first).toMatch(/\.1800000000000$/);
  });
});
