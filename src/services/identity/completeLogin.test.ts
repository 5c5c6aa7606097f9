import { cartLine, cartView, session } from '@/test/fixtures';
import { mockApi, ok, testQueryClient } from '@/test/render';
import { MockNetworkError, taroMock } from '@/test/taro-mock';
import { createCartDraftStore, useCartDraft } from '@/stores/cart-draft';
import { useSession } from '@/stores/session';
import { keys } from '../keys';
import { completeLogin } from './completeLogin';

beforeEach(() => {
  useCartDraft.getState().clear();
  useSession.getState().clear();
});

describe('completeLogin (guest cart merge)', () => {
  it('merges the draft into the account cart with the new token, then clears the draft', async () => {
    useCartDraft.getState().add('sku_a', 2, 1500);
    useCartDraft.getState().add('sku_b', 1, 900);
    useCartDraft.getState().update('sku_b', { selected: false });
    const merged = cartView([cartLine('sku_a', { quantity: 3 }), cartLine('sku_b', { selected: false })]);
    const calls = mockApi({ 'POST /api/cart/merge': () => ok(merged), 'GET /api/cart': () => ok(merged) });
    const client = testQueryClient();

    const outcome = await completeLogin(session({ token: 'new-token' }), client);

    expect(outcome).toEqual({ merged: true, mergeError: null });
    const merge = calls.find((c) => c.path === '/api/cart/merge');
    expect(merge?.header.Authorization).toBe('Bearer new-token');
    expect(merge?.header['Idempotency-Key']).toBeTruthy();
    expect(merge?.body).toEqual({
      lines: [
        { skuId: 'sku_b', quantity: 1, selected: false, addedPrice: 900 },
        { skuId: 'sku_a', quantity: 2, selected: true, addedPrice: 1500 },
      ],
    });
    expect(useCartDraft.getState().lines).toEqual([]);
    // Cleared in storage too: a restart does not bring the draft back.
    expect(createCartDraftStore().getState().lines).toEqual([]);
    expect(client.getQueryData(keys.cart.server())).toEqual(merged);
    expect(useSession.getState().token).toBe('new-token');
  });

  it('keeps the draft when the merge fails, and retries it under the same idempotency key', async () => {
    useCartDraft.getState().add('sku_a', 2, 1500);
    let fail = true;
    const calls = mockApi({
      'POST /api/cart/merge': () => {
        if (fail) throw new MockNetworkError('lost');
        return ok(cartView([cartLine('sku_a', { quantity: 2 })]));
      },
    });
    const client = testQueryClient();
    const first = await completeLogin(session(), client);
    expect(first.merged).toBe(false);
    expect(first.mergeError).toMatchObject({ code: 'NETWORK' });
    expect(useCartDraft.getState().lines).toHaveLength(1);
    expect(typeof taroMock.storage.get('shop.cart-draft')).toBe('string');

    fail = false;
    const second = await completeLogin(session(), client);
    expect(second.merged).toBe(true);
    const mergeKeys = calls.filter((c) => c.path === '/api/cart/merge').map((c) => c.header['Idempotency-Key']);
    expect(mergeKeys).toHaveLength(2);
    expect(mergeKeys[0]).toBe(mergeKeys[1]);
    expect(useCartDraft.getState().lines).toEqual([]);
  });

  it('does not call merge without a draft, and drops the previous user cached data', async () => {
    const calls = mockApi({});
    const client = testQueryClient();
    client.setQueryData(keys.orders.counts(), { pending_payment: 1, paid: 0, shipped: 0 });
    client.setQueryData(keys.catalog.home(), { banners: [], categories: [] });
    const outcome = await completeLogin(session(), client);
    expect(outcome.merged).toBe(false);
    expect(calls.filter((c) => c.path === '/api/cart/merge')).toHaveLength(0);
    expect(client.getQueryData(keys.orders.counts())).toBeUndefined();
    expect(client.getQueryData(keys.catalog.home())).toBeDefined();
  });
});
