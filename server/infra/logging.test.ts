import { loggedUrl, loggerOptions } from './logging';

describe('request logs', () => {
  it('keep no invite code from a URL', () => {
    expect(loggedUrl('/api/staff-invites/ABCD2345')).toBe('/api/staff-invites/[redacted]');
    expect(loggedUrl('/api/staff-invites/ABCD2345/accept')).toBe('/api/staff-invites/[redacted]/accept');
    expect(loggedUrl('/api/staff-invites/ABCD2345?x=1')).toBe('/api/staff-invites/[redacted]?x=1');
    expect(loggedUrl('/api/merchants/m_1/staff')).toBe('/api/merchants/m_1/staff');
  });

  it('serialize requests through it', () => {
    const options = loggerOptions({ logLevel: 'info' }, true) as { serializers: { req: (r: unknown) => { url: string; method: string } } };
    const logged = options.serializers.req({ method: 'POST', url: '/api/staff-invites/ABCD2345/accept', ip: '127.0.0.1', socket: { remotePort: 5 } });
    expect(logged).toMatchObject({ method: 'POST', url: '/api/staff-invites/[redacted]/accept', remoteAddress: '127.0.0.1', remotePort: 5 });
    expect(JSON.stringify(logged)).not.toContain('ABCD2345');
  });
});
