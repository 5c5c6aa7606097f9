import { realtimeUrl } from './url';

describe('the socket address', () => {
  test('from the API base the request client uses', () => {
    expect(realtimeUrl('http://127.0.0.1:3000')).toBe('ws://127.0.0.1:3000/api/realtime');
    expect(realtimeUrl('https://shop.example.com/')).toBe('wss://shop.example.com/api/realtime');
    expect(realtimeUrl('HTTPS://shop.example.com/base')).toBe('wss://shop.example.com/base/api/realtime');
    expect(realtimeUrl('wss://push.example.com')).toBe('wss://push.example.com/api/realtime');
  });

  test('an empty base (H5 served by the API) is the page origin, wss when the page is https', () => {
    expect(realtimeUrl('', { protocol: 'http:', host: '127.0.0.1:4100' })).toBe('ws://127.0.0.1:4100/api/realtime');
    expect(realtimeUrl('', { protocol: 'https:', host: 'm.shop.example.com' })).toBe('wss://m.shop.example.com/api/realtime');
    // jsdom's page: http://localhost/
    expect(realtimeUrl('')).toBe('ws://localhost/api/realtime');
  });

  test('a base that is not an http(s) URL is a configuration error', () => {
    expect(() => realtimeUrl('ftp://x')).toThrow(/not an http/);
  });
});
