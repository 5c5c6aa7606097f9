import { cartLine, cartView } from '@/test/fixtures';
import { mockApi, ok } from '@/test/render';
import { mergeDraft } from './mergeCart';

describe('mergeDraft', () => {
  const lines = [{ skuId: 'sku_a', quantity: 2, selected: true, addedPrice: 1500 }];

  it('shares one request between callers merging the same draft at the same time', async () => {
    const merged = cartView([cartLine('sku_a', { quantity: 2 })]);
    const calls = mockApi({ 'POST /api/cart/merge': () => ok(merged) });
    const [a, b] = await Promise.all([mergeDraft(lines), mergeDraft([...lines])]);
    expect(a).toEqual(merged);
    expect(b).toEqual(merged);
    expect(calls.filter((c) => c.path === '/api/cart/merge')).toHaveLength(1);
  });

  it('sends a later merge of another draft as a request of its own, under its own key', async () => {
    const calls = mockApi({ 'POST /api/cart/merge': () => ok(cartView([])) });
    await mergeDraft(lines);
    await mergeDraft([{ ...lines[0], quantity: 3 }]);
    const merges = calls.filter((c) => c.path === '/api/cart/merge');
    expect(merges).toHaveLength(2);
    expect(merges[0].header['Idempotency-Key']).not.toBe(merges[1].header['Idempotency-Key']);
  });
});
