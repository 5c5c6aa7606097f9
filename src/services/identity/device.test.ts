import { mockApi, ok } from '@/test/render';
import { session } from '@/test/fixtures';
import { taroMock } from '@/test/taro-mock';
import { DEVICE_KEY, deviceId } from './device';
import { loginMini } from './loginMini';
import { loginPhone } from './loginPhone';

describe('the device id (the visitor key of shared links before sign-in, docs/referral.md)', () => {
  it('is made once, kept on the device, and matches the server\'s pattern', () => {
    const first = deviceId();
    expect(first).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
    expect(deviceId()).toBe(first);
    expect(taroMock.storage.get(DEVICE_KEY)).toBe(first);
  });

  it('replaces a kept value that is not one', () => {
    taroMock.storage.set(DEVICE_KEY, 'bad id!');
    const made = deviceId();
    expect(made).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
    expect(made).not.toBe('bad id!');
  });

  it('goes with every login, so the server binds the visits this device made', async () => {
    const calls = mockApi({ 'POST /api/auth/login/phone': () => ok(session()), 'POST /api/auth/login/mini': () => ok(session()) });
    await loginPhone({ phone: '13800138000', code: '123456' });
    await loginMini({ platform: 'weapp', code: 'sandbox-x.1' });
    const id = deviceId();
    expect(calls.find((c) => c.path === '/api/auth/login/phone')?.body).toEqual({ phone: '13800138000', code: '123456', device: id });
    expect(calls.find((c) => c.path === '/api/auth/login/mini')?.body).toEqual({ platform: 'weapp', code: 'sandbox-x.1', device: id });
  });
});
