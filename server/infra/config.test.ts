import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig, rebaseOnListen } from './config';

describe('loadConfig', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'shop-config-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has working defaults for development: SQLite in DATA_DIR, sandbox on, a kept secret', () => {
    const c = loadConfig({ DATA_DIR: dir });
    expect(c.port).toBe(3000);
    expect(c.host).toBe('0.0.0.0');
    expect(c.dialect).toBe('sqlite');
    expect(c.sqlitePath).toBe(path.join(dir, 'shop.db'));
    expect(c.sandbox).toBe(true);
    expect(c.orderPayTimeoutSeconds).toBe(900);
    expect(c.bodyLimitBytes).toBe(65536);
    expect(c.publicBaseUrl).toBe('http://127.0.0.1:3000');
    expect(c.weapp.endpoint).toBe('http://127.0.0.1:3000/sandbox/weapp');
    expect(c.tokenSecret.length).toBeGreaterThanOrEqual(32);
    // Generated once, then reused.
    expect(loadConfig({ DATA_DIR: dir }).tokenSecret).toBe(c.tokenSecret);
  });

  it('selects PostgreSQL from DATABASE_URL and rejects other URLs', () => {
    expect(loadConfig({ DATA_DIR: dir, DATABASE_URL: 'postgres://u@h/db' }).dialect).toBe('postgres');
    expect(() => loadConfig({ DATA_DIR: dir, DATABASE_URL: 'mysql://u@h/db' })).toThrow(ConfigError);
  });

  it('requires TOKEN_SECRET in production and refuses the sandbox there', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DATA_DIR: dir })).toThrow(/TOKEN_SECRET/);
    const secret = 'p'.repeat(40);
    const c = loadConfig({ NODE_ENV: 'production', DATA_DIR: dir, TOKEN_SECRET: secret, REFERRAL_SECRET: 'r'.repeat(40) });
    expect(c.sandbox).toBe(false);
    expect(c.tokenSecret).toBe(secret);
    expect(() => loadConfig({ NODE_ENV: 'production', DATA_DIR: dir, TOKEN_SECRET: secret, SANDBOX: 'on' })).toThrow(/SANDBOX/);
  });

  it('runs SQLite with group commit and background checkpoints unless told otherwise', () => {
    const c = loadConfig({ DATA_DIR: dir });
    expect([c.sqliteGroupCommit, c.sqliteCheckpoint]).toEqual([true, 'background']);
    const off = loadConfig({ DATA_DIR: dir, SQLITE_GROUP_COMMIT: 'off', SQLITE_CHECKPOINT: 'inline' });
    expect([off.sqliteGroupCommit, off.sqliteCheckpoint]).toEqual([false, 'inline']);
    expect(() => loadConfig({ DATA_DIR: dir, SQLITE_GROUP_COMMIT: 'sometimes' })).toThrow(/SQLITE_GROUP_COMMIT/);
    expect(() => loadConfig({ DATA_DIR: dir, SQLITE_CHECKPOINT: 'never' })).toThrow(/SQLITE_CHECKPOINT/);
  });

  it('rejects malformed numbers', () => {
    expect(() => loadConfig({ DATA_DIR: dir, PORT: 'abc' })).toThrow(/PORT/);
    expect(() => loadConfig({ DATA_DIR: dir, BODY_LIMIT_BYTES: '-1' })).toThrow(/BODY_LIMIT_BYTES/);
  });

  it("points login at the platforms' own APIs outside sandbox mode, and never at a stand-in in production", () => {
    const off = loadConfig({ DATA_DIR: dir, PORT: '0', SANDBOX: 'off', TOKEN_SECRET: 'x'.repeat(32) });
    expect(off.weapp.endpoint).toBe('https://api.weixin.qq.com');
    expect(off.tt.endpoint).toBe('https://developer.toutiao.com');
    expect(off.alipay.gateway).toBe('https://openapi.alipay.com/gateway.do');
    const on = loadConfig({ DATA_DIR: dir, PORT: '0' });
    expect(on.weapp.endpoint).toMatch(/\/sandbox\/weapp$/);
    expect(() =>
      loadConfig({ DATA_DIR: dir, NODE_ENV: 'production', PUBLIC_BASE_URL: 'https://shop.example', WEAPP_API_BASE: 'https://shop.example/sandbox/weapp', TOKEN_SECRET: 'x'.repeat(32) }),
    ).toThrow(/WEAPP_API_BASE points at the sandbox stand-in/);
  });

  it('rebases default sandbox endpoints after listening on port 0', () => {
    const c = loadConfig({ DATA_DIR: dir, PORT: '0', TT_API_BASE: 'https://developer.toutiao.com' });
    rebaseOnListen(c, 45678);
    expect(c.publicBaseUrl).toBe('http://127.0.0.1:45678');
    expect(c.weapp.endpoint).toBe('http://127.0.0.1:45678/sandbox/weapp');
    expect(c.alipay.gateway).toBe('http://127.0.0.1:45678/sandbox/alipay/gateway.do');
    expect(c.tt.endpoint).toBe('https://developer.toutiao.com');
  });
});
