import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from './config';

describe('referral configuration (docs/configuration.md, "Referral")', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'shop-referral-config-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const prod = { NODE_ENV: 'production', TOKEN_SECRET: 't'.repeat(40) };

  it('has defaults: first touch, every account, two levels, everyone promotes, the demo store operates; a kept development secret', () => {
    const c = loadConfig({ DATA_DIR: dir }).referral;
    expect(c).toMatchObject({ binding: { kind: 'first_touch' }, newAccountsOnly: false, maxLevels: 2, promoters: { kind: 'everyone' }, operatorMerchant: 'm_01' });
    expect(c.secret.length).toBeGreaterThanOrEqual(32);
    expect(loadConfig({ DATA_DIR: dir }).referral.secret).toBe(c.secret);
    // Not the session key: a leaked one must not forge the other.
    expect(c.secret).not.toBe(loadConfig({ DATA_DIR: dir }).tokenSecret);
  });

  it('reads every policy', () => {
    const c = loadConfig({
      DATA_DIR: dir,
      REFERRAL_BINDING: 'first_touch_days:30',
      REFERRAL_NEW_ACCOUNTS_ONLY: 'on',
      REFERRAL_MAX_LEVELS: '3',
      REFERRAL_PROMOTERS: 'min_spend:9900',
      REFERRAL_OPERATOR_MERCHANT: 'm_02',
    }).referral;
    expect(c).toMatchObject({ binding: { kind: 'first_touch_days', days: 30 }, newAccountsOnly: true, maxLevels: 3, promoters: { kind: 'min_spend', fen: 9900 }, operatorMerchant: 'm_02' });
    expect(loadConfig({ DATA_DIR: dir, REFERRAL_BINDING: 'last_touch', REFERRAL_PROMOTERS: 'approved' }).referral).toMatchObject({
      binding: { kind: 'last_touch' },
      promoters: { kind: 'approved' },
    });
  });

  it.each([
    ['REFERRAL_BINDING', 'sometimes'],
    ['REFERRAL_BINDING', 'first_touch_days:0'],
    ['REFERRAL_BINDING', 'first_touch_days:x'],
    ['REFERRAL_MAX_LEVELS', '0'],
    ['REFERRAL_MAX_LEVELS', '4'],
    ['REFERRAL_PROMOTERS', 'min_spend:-1'],
    ['REFERRAL_PROMOTERS', 'min_spend:1.5'],
    ['REFERRAL_PROMOTERS', 'friends'],
    ['REFERRAL_NEW_ACCOUNTS_ONLY', 'maybe'],
    ['REFERRAL_OPERATOR_MERCHANT', 'm 01'],
    ['REFERRAL_SECRET', 'short'],
    ['REFERRAL_WITHDRAW_MIN', '0'],
    ['REFERRAL_WITHDRAW_MIN', '1.5'],
    ['REFERRAL_WITHDRAW_FEE_BP', '2001'],
    ['REFERRAL_WITHDRAW_FEE_BP', '-1'],
    ['REFERRAL_WITHDRAW_FEE_FEN', 'ten'],
    ['REFERRAL_WITHDRAW_DAILY_LIMIT', '50'],
    ['REFERRAL_WITHDRAW_AUTO_APPROVE_MAX', '-5'],
  ])('refuses %s=%s', (name, value) => {
    expect(() => loadConfig({ DATA_DIR: dir, [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ DATA_DIR: dir, [name]: value })).toThrow(new RegExp(name));
  });

  it('requires REFERRAL_SECRET in production, distinct from TOKEN_SECRET and never the development one', () => {
    expect(() => loadConfig({ ...prod, DATA_DIR: dir })).toThrow(/REFERRAL_SECRET is required/);
    expect(() => loadConfig({ ...prod, DATA_DIR: dir, REFERRAL_SECRET: prod.TOKEN_SECRET })).toThrow(/REFERRAL_SECRET/);
    const devSecret = loadConfig({ DATA_DIR: dir }).referral.secret;
    expect(() => loadConfig({ ...prod, DATA_DIR: dir, REFERRAL_SECRET: devSecret })).toThrow(/development/);
    const secret = 'r'.repeat(40);
    expect(loadConfig({ ...prod, DATA_DIR: dir, REFERRAL_SECRET: secret }).referral.secret).toBe(secret);
  });

  it('reads the withdrawal rules, with defaults, and refuses a minimum its own fee would eat', () => {
    expect(loadConfig({ DATA_DIR: dir }).referral.withdraw).toEqual({ min: 100, feeBp: 0, feeFen: 0, dailyLimit: 500000, autoApproveMax: 20000 });
    const c = loadConfig({ DATA_DIR: dir, REFERRAL_WITHDRAW_MIN: '1000', REFERRAL_WITHDRAW_FEE_BP: '60', REFERRAL_WITHDRAW_FEE_FEN: '100', REFERRAL_WITHDRAW_DAILY_LIMIT: '0', REFERRAL_WITHDRAW_AUTO_APPROVE_MAX: '0' }).referral.withdraw;
    expect(c).toEqual({ min: 1000, feeBp: 60, feeFen: 100, dailyLimit: 0, autoApproveMax: 0 });
    expect(() => loadConfig({ DATA_DIR: dir, REFERRAL_WITHDRAW_MIN: '100', REFERRAL_WITHDRAW_FEE_FEN: '100' })).toThrow(/REFERRAL_WITHDRAW_MIN \(100\) must be more than its own fee/);
  });
});
