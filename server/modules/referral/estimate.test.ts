import { referralEstimate, type ReferralEstimate } from '@contract/referral-commission';
import { resolvedReferralLink } from '@contract/referral';
import { testApp, type ApiResponse, type TestApp } from '../../test/app';
import { makeSku, userToken } from '../order/testing';
import { makeMerchant } from '../merchant/testing';
import { setRules } from './rules';
import { LINK_TTL_MS } from './attribution';
import { macOf, randomBase62 } from './tokens';
import { uniq } from './testing';

/**
 * The product page's reads for sharing (docs/referral.md, "Share handlers and the estimate"):
 * a promoter's estimated level-1 commission per SKU under the rules in force, and what a share
 * link opens when a code's scene carries only its token. Over HTTP, on SQLite and PostgreSQL.
 */
const codeOf = (res: ApiResponse) => `${res.status} ${String((res.body as { code?: string } | null)?.code ?? '')}`.trim();
type Shopper = { userId: string; token: string };

/** A product of `merchantId` with one SKU per price (SKU ids in price order). */
async function productWith(t: TestApp, merchantId: string, prices: number[]): Promise<{ productId: string; skuIds: string[] }> {
  const first = await makeSku(t.db, { merchantId, price: prices[0] });
  const skuIds = [first.skuId];
  for (let i = 1; i < prices.length; i++) {
    const skuId = `${first.skuId}_${i}`;
    const now = Date.now();
    await t.db
      .insertInto('skus')
      .values({ id: skuId, product_id: first.productId, spec_values: JSON.stringify([`规格${i}`]), price: prices[i], original_price: null, stock: 10, sales: 0, created_at: now, updated_at: now })
      .execute();
    skuIds.push(skuId);
  }
  return { productId: first.productId, skuIds };
}

describe('the estimated commission (everyone promotes)', () => {
  let t: TestApp;
  let promoter: Shopper;
  beforeAll(async () => {
    t = await testApp({ seed: false });
    promoter = await userToken(t.db, t.config.tokenSecret);
  });
  afterAll(async () => {
    await t.close();
  });
  const estimate = (productId: string, who: Shopper | null = promoter) =>
    t.get<ReferralEstimate>(`/api/referral/estimate?productId=${encodeURIComponent(productId)}`, who ? { token: who.token } : {});

  it('is off (no SKUs) for a merchant that never set rules, and after it turns them off', async () => {
    const merchantId = uniq('m');
    await makeMerchant(t.db, merchantId);
    const { productId } = await productWith(t, merchantId, [1999]);
    const none = await estimate(productId);
    expect(none.status).toBe(200);
    expect(referralEstimate.parse(none.body)).toEqual({ productId, enabled: false, skus: [] });

    const now = Date.now();
    await setRules(t.db, merchantId, uniq('u_owner'), { enabled: true, levels: 2, mode: 'rate', amounts: [1000, 500], freezeDays: 7 }, now - 2000);
    expect((await estimate(productId)).body.enabled).toBe(true);
    await setRules(t.db, merchantId, uniq('u_owner'), { enabled: false, levels: 2, mode: 'rate', amounts: [1000, 500], freezeDays: 7 }, now - 1000);
    expect((await estimate(productId)).body).toEqual({ productId, enabled: false, skus: [] });
  });

  it('answers level 1 on one unit of each SKU: a rate on the price rounded down, a fixed amount per unit at most the price; SKU beats product beats merchant', async () => {
    const merchantId = uniq('m');
    await makeMerchant(t.db, merchantId);
    const a = await productWith(t, merchantId, [1999, 2199, 50]);
    const b = await productWith(t, merchantId, [3000]);
    const c = await productWith(t, merchantId, [4321]);
    await setRules(
      t.db,
      merchantId,
      uniq('u_owner'),
      {
        enabled: true,
        levels: 2,
        mode: 'rate',
        amounts: [1000, 500],
        freezeDays: 7,
        overrides: [
          // A fixed ¥1.00 per unit on A's third SKU (price ¥0.50: capped at the price).
          { target: 'sku', targetId: a.skuIds[2], mode: 'fixed', amounts: [100, 50] },
          // 15 % on all of B; C keeps the merchant's 10 %, and a later level's amount never counts.
          { target: 'product', targetId: b.productId, mode: 'rate', amounts: [1500, 0] },
        ],
      },
      Date.now() - 1000,
    );
    const ea = await estimate(a.productId);
    expect(ea.status).toBe(200);
    expect(ea.body).toEqual({
      productId: a.productId,
      enabled: true,
      skus: [
        { skuId: a.skuIds[0], amount: 199 },
        { skuId: a.skuIds[1], amount: 219 },
        { skuId: a.skuIds[2], amount: 50 },
      ],
    });
    expect((await estimate(b.productId)).body.skus).toEqual([{ skuId: b.skuIds[0], amount: 450 }]);
    expect((await estimate(c.productId)).body.skus).toEqual([{ skuId: c.skuIds[0], amount: 432 }]);
  });

  it('uses the rules in force now: a version made for later does not count yet', async () => {
    const merchantId = uniq('m');
    await makeMerchant(t.db, merchantId);
    const { productId, skuIds } = await productWith(t, merchantId, [1000]);
    await setRules(t.db, merchantId, uniq('u_owner'), { enabled: true, levels: 1, mode: 'fixed', amounts: [120], freezeDays: 7 }, Date.now() - 1000);
    await setRules(t.db, merchantId, uniq('u_owner'), { enabled: true, levels: 1, mode: 'fixed', amounts: [300], freezeDays: 7 }, Date.now() + 3600_000);
    expect((await estimate(productId)).body.skus).toEqual([{ skuId: skuIds[0], amount: 120 }]);
  });

  it('a guest must sign in; an unknown product is 404; a malformed query is 400', async () => {
    expect(codeOf(await estimate('p_whatever', null))).toBe('401 UNAUTHORIZED');
    expect(codeOf(await estimate('p_nowhere'))).toBe('404 NOT_FOUND');
    expect(codeOf(await t.get('/api/referral/estimate', { token: promoter.token }))).toBe('400 VALIDATION_FAILED');
    expect(codeOf(await t.get('/api/referral/estimate?productId=a%20b', { token: promoter.token }))).toBe('400 VALIDATION_FAILED');
    expect(codeOf(await t.get('/api/referral/estimate?productId=p_1&extra=1', { token: promoter.token }))).toBe('400 VALIDATION_FAILED');
  });
});

describe('the estimated commission is for promoters only (REFERRAL_PROMOTERS=min_spend)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp({ seed: false, env: { REFERRAL_PROMOTERS: 'min_spend:9900' } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses a shopper who may not promote with 403 NOT_A_PROMOTER, before reading the product', async () => {
    const shopper = await userToken(t.db, t.config.tokenSecret);
    const merchantId = uniq('m');
    await makeMerchant(t.db, merchantId);
    const { productId } = await productWith(t, merchantId, [1000]);
    expect(codeOf(await t.get(`/api/referral/estimate?productId=${productId}`, { token: shopper.token }))).toBe('403 NOT_A_PROMOTER');
    expect(codeOf(await t.get('/api/referral/estimate?productId=p_nowhere', { token: shopper.token }))).toBe('403 NOT_A_PROMOTER');
  });
});

describe('resolving a share link by its token', () => {
  let t: TestApp;
  let promoter: Shopper;
  beforeAll(async () => {
    t = await testApp({ seed: false });
    promoter = await userToken(t.db, t.config.tokenSecret);
  });
  afterAll(async () => {
    await t.close();
  });

  it("answers a poster link's target and the product page with the token, to anyone", async () => {
    const { productId } = await makeSku(t.db);
    const made = await t.post<{ token: string; path: string }>('/api/referral/links', { target: `poster:${productId}` }, { token: promoter.token });
    expect(made.status).toBe(200);
    const res = await t.get(`/api/referral/links/${made.body.token}`);
    expect(res.status).toBe(200);
    expect(resolvedReferralLink.parse(res.body)).toEqual({ target: `poster:${productId}`, path: `/pages/product/index?id=${productId}&rt=${made.body.token}` });
    expect(made.body.path).toBe(`/pages/product/index?id=${productId}&rt=${made.body.token}`);
    const home = await t.post<{ token: string }>('/api/referral/links', { target: 'home' }, { token: promoter.token });
    expect((await t.get(`/api/referral/links/${home.body.token}`, { token: promoter.token })).body).toEqual({ target: 'home', path: `/pages/home/index?rt=${home.body.token}` });
  });

  it('still answers an expired link (the page opens; its visit is ignored)', async () => {
    const { productId } = await makeSku(t.db);
    const made = await t.post<{ token: string }>('/api/referral/links', { target: `product:${productId}` }, { token: promoter.token });
    await t.db.updateTable('referral_links').set({ expires_at: Date.now() - LINK_TTL_MS }).where('id', '=', made.body.token.slice(0, 12)).execute();
    expect((await t.get(`/api/referral/links/${made.body.token}`)).status).toBe(200);
  });

  it('is 404 for an altered, made-up or unknown token and 400 for a malformed one', async () => {
    const made = await t.post<{ token: string }>('/api/referral/links', { target: 'home' }, { token: promoter.token });
    const token = made.body.token;
    const altered = token.slice(0, 19) + (token[19] === 'a' ? 'b' : 'a');
    expect(codeOf(await t.get(`/api/referral/links/${altered}`))).toBe('404 NOT_FOUND');
    expect(codeOf(await t.get(`/api/referral/links/${token.slice(0, 19)}`))).toBe('404 NOT_FOUND');
    // A correctly signed id that names no link (the secret leaked, say): still nothing.
    const id = randomBase62(12);
    expect(codeOf(await t.get(`/api/referral/links/${id}${macOf(t.config.referral.secret, id)}`))).toBe('404 NOT_FOUND');
    expect(codeOf(await t.get('/api/referral/links/not-base62'))).toBe('400 VALIDATION_FAILED');
  });
});
