// The test loads the contract at run time (zod is fine in jest) to compare the form's limits and bodies with it.
// eslint-disable-next-line @typescript-eslint/no-restricted-imports
import { createLiveSessionBody, MAX_LIVE_LINES as CONTRACT_MAX_LINES, MAX_LIVE_QUOTA as CONTRACT_MAX_QUOTA } from '@contract/live';
import { ApiError } from '../http';
import { checkCreate, emptyDraft, type LineDraft, type LiveDraft, MAX_LIVE_LINES, MAX_LIVE_QUOTA, problemsOfError, startsAtOf } from './live-draft';

const line = (over: Partial<LineDraft> = {}): LineDraft => ({
  skuId: 'sku_1', productId: 'p_1', title: '山野蜂蜜', specText: '500g', image: '/images/p_1.svg', skuPrice: 4_900, stock: 30, priceText: '39.9', quotaText: '20', ...over,
});
const draft = (over: Partial<LiveDraft> = {}): LiveDraft => ({
  title: '周末专场', cover: '', date: '2026-12-08', time: '20:00', playbackUrl: 'https://cdn.example.com/live/1.m3u8', limitText: '3', lines: [line()], ...over,
});

describe('the live session form', () => {
  it("keeps the contract's limits", () => {
    expect(MAX_LIVE_QUOTA).toBe(CONTRACT_MAX_QUOTA);
    expect(MAX_LIVE_LINES).toBe(CONTRACT_MAX_LINES);
  });

  it('sends a body the contract accepts: prices in fen, the local start time, the default cover left to the server', () => {
    const { body, problems } = checkCreate(draft());
    expect(problems).toEqual({});
    expect(body).toEqual({ title: '周末专场', startsAt: new Date(2026, 11, 8, 20, 0).getTime(), playbackUrl: 'https://cdn.example.com/live/1.m3u8', perShopperLimit: 3, lines: [{ skuId: 'sku_1', price: 3_990, quota: 20 }] });
    expect(() => createLiveSessionBody.parse(body)).not.toThrow();
  });

  it('places every problem beside its field: a price above the SKU price, a quota above stock, a bad URL, no lineup', () => {
    expect(checkCreate(draft({ lines: [line({ priceText: '49.91', quotaText: '31' })] })).problems).toEqual({
      'price:sku_1': '直播价不能高于售价 ¥49.00',
      'quota:sku_1': '直播库存不能超过可用库存 30',
    });
    expect(checkCreate(draft({ lines: [line({ priceText: '1.234', quotaText: '0' })] })).problems).toEqual({
      'price:sku_1': '请填写正确的直播价（最多两位小数）',
      'quota:sku_1': '直播库存请填写 1 到 100000 的整数',
    });
    const { body, problems } = checkCreate(draft({ title: ' ', playbackUrl: 'rtmp://x', limitText: '100', lines: [], date: '' }));
    expect(body).toBeNull();
    expect(Object.keys(problems).sort()).toEqual(['lines', 'perShopperLimit', 'playbackUrl', 'startsAt', 'title']);
  });

  it('a new draft starts at the next full hour', () => {
    const d = emptyDraft(new Date(2026, 11, 7, 9, 41).getTime());
    expect([d.date, d.time]).toEqual(['2026-12-07', '10:00']);
    expect(startsAtOf('2026-12-07', '25:00')).not.toBeNull(); // Date rolls over; the server's window decides
    expect(startsAtOf('2026/12/07', '10:00')).toBeNull();
  });

  it("puts the server's refusals beside the SKU or field they name, in Chinese, else a toast", () => {
    const lines = [line(), line({ skuId: 'sku_2' })];
    expect(problemsOfError(new ApiError({ code: 'LIVE_PRICE_INVALID', status: 400, extra: { skuId: 'sku_2', maximum: 2_900 } }), lines)).toEqual({ 'price:sku_2': '直播价不能高于售价 ¥29.00' });
    expect(problemsOfError(new ApiError({ code: 'LIVE_QUOTA_INVALID', status: 400, extra: { skuId: 'sku_1', minimum: 2, maximum: 12 } }), lines)).toEqual({ 'quota:sku_1': '直播库存需在 2 到 12 之间' });
    expect(problemsOfError(new ApiError({ code: 'LIVE_QUOTA_INVALID', status: 400, extra: { skuId: 'sku_9' } }), lines)).toEqual({ general: '直播库存不能少于已售数量，也不能超过商品可用库存' });
    expect(problemsOfError(new ApiError({ code: 'LIVE_LINEUP_INVALID', status: 400, extra: { skuId: 'sku_1' } }), lines)).toEqual({ lines: '该商品不在本场直播的商品列表中' });
    expect(
      problemsOfError(new ApiError({ code: 'VALIDATION_FAILED', status: 400, errors: [{ path: 'body.lines.1.quota', message: 'too big' }, { path: 'body.playbackUrl', message: 'bad' }, { path: 'body.cover', message: 'bad' }] }), lines),
    ).toEqual({ 'quota:sku_2': '直播库存请填写 1 到 100000 的整数', playbackUrl: '提交的信息有误，请检查后重试', general: '提交的信息有误，请检查后重试' });
    expect(problemsOfError(new ApiError({ code: 'FORBIDDEN_ROLE', status: 403 }), lines).general).toMatch(/[\u4e00-\u9fa5]/);
  });
});
