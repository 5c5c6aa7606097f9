import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from './config';
import { loadNatsConfig } from './nats-config';

describe('loadNatsConfig', () => {
  it('is off without NATS_URL', () => {
    expect(loadNatsConfig({})).toBeNull();
    expect(loadNatsConfig({ NATS_URL: ' ' })).toBeNull();
    expect(loadNatsConfig({ NATS_STREAM: 'X' })).toBeNull();
  });

  it('has defaults for the stream, the subject prefix and the duplicate window', () => {
    expect(loadNatsConfig({ NATS_URL: 'nats://127.0.0.1:4222' })).toEqual({
      servers: ['nats://127.0.0.1:4222'],
      user: null,
      pass: null,
      token: null,
      stream: 'SHOP_EVENTS',
      subjectPrefix: 'shop.events',
      duplicateWindowMs: 3_600_000,
    });
  });

  it('reads a server list, the default port, and credentials from the user info', () => {
    const c = loadNatsConfig({ NATS_URL: 'nats://shop:s%40cret@n1.internal, tls://n2.internal:4333', NATS_STREAM: 'ORDERS-1', NATS_SUBJECT_PREFIX: 'acme.shop', NATS_DUPLICATE_WINDOW_SECONDS: '7200' });
    expect(c).toEqual({
      servers: ['nats://n1.internal:4222', 'tls://n2.internal:4333'],
      user: 'shop',
      pass: 's@cret',
      token: null,
      stream: 'ORDERS-1',
      subjectPrefix: 'acme.shop',
      duplicateWindowMs: 7_200_000,
    });
    expect(loadNatsConfig({ NATS_URL: 'nats://t0ken@127.0.0.1' })).toMatchObject({ servers: ['nats://127.0.0.1:4222'], user: null, pass: null, token: 't0ken' });
  });

  it('rejects what the sink could not use', () => {
    const bad: Record<string, string>[] = [
      { NATS_URL: 'http://127.0.0.1:4222' },
      { NATS_URL: 'not a url' },
      { NATS_URL: 'nats://127.0.0.1:4222/path' },
      { NATS_URL: 'nats://a:b@n1,nats://c:d@n2' },
      { NATS_URL: 'nats://n1', NATS_STREAM: 'shop.events' },
      { NATS_URL: 'nats://n1', NATS_STREAM: 'a b' },
      { NATS_URL: 'nats://n1', NATS_SUBJECT_PREFIX: 'shop.*' },
      { NATS_URL: 'nats://n1', NATS_SUBJECT_PREFIX: 'shop..events' },
      { NATS_URL: 'nats://n1', NATS_SUBJECT_PREFIX: 'shop.>' },
      { NATS_URL: 'nats://n1', NATS_DUPLICATE_WINDOW_SECONDS: '60' },
      { NATS_URL: 'nats://n1', NATS_DUPLICATE_WINDOW_SECONDS: '1.5' },
      { NATS_URL: 'nats://n1', NATS_DUPLICATE_WINDOW_SECONDS: String(8 * 24 * 3600) },
    ];
    for (const env of bad) expect(() => loadNatsConfig(env)).toThrow(ConfigError);
  });

  it('is part of the parsed configuration', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'shop-config-nats-'));
    try {
      expect(loadConfig({ DATA_DIR: dir }).nats).toBeNull();
      expect(loadConfig({ DATA_DIR: dir, NATS_URL: 'nats://127.0.0.1:4222', NATS_STREAM: 'S1' }).nats).toMatchObject({ servers: ['nats://127.0.0.1:4222'], stream: 'S1' });
      expect(() => loadConfig({ DATA_DIR: dir, NATS_URL: 'nats://127.0.0.1:4222', NATS_DUPLICATE_WINDOW_SECONDS: 'soon' })).toThrow(/NATS_DUPLICATE_WINDOW_SECONDS/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
