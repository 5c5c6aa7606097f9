import { taroMock } from '@/test/taro-mock';
import { CART_DRAFT_STORAGE_KEY, MAX_LINE_QUANTITY, createCartDraftStore, draftToLines } from './cart-draft';
import { SESSION_STORAGE_KEY, createSessionStore, isLoggedIn } from './session';

describe('cart draft store', () => {
  it('adds, merges quantities of the same SKU, updates, selects and removes lines', () => {
    const store = createCartDraftStore();
    store.getState().add('sku_a', 2, 1000, 1);
    store.getState().add('sku_b', 1, 500, 2);
    store.getState().add('sku_a', 3, 1100, 3);
    expect(store.getState().lines.map((l) => [l.skuId, l.quantity, l.addedPrice])).toEqual([
      ['sku_b', 1, 500],
      ['sku_a', 5, 1000],
    ]);
    store.getState().update('sku_a', { quantity: 500 });
    expect(store.getState().lines[1].quantity).toBe(MAX_LINE_QUANTITY);
    store.getState().update('sku_a', { quantity: 0 });
    expect(store.getState().lines[1].quantity).toBe(1);
    store.getState().selectAll(false);
    expect(store.getState().lines.every((l) => !l.selected)).toBe(true);
    store.getState().update('sku_b', { selected: true });
    expect(store.getState().lines.find((l) => l.skuId === 'sku_b')?.selected).toBe(true);
    store.getState().remove('sku_b');
    expect(store.getState().lines.map((l) => l.skuId)).toEqual(['sku_a']);
    store.getState().clear();
    expect(store.getState().lines).toEqual([]);
  });

  it('survives a restart: a store re-created from the same Taro storage has the lines', () => {
    const before = createCartDraftStore();
    before.getState().add('sku_a', 2, 1990, 1000);
    before.getState().add('sku_b', 1, 500, 2000);
    before.getState().update('sku_b', { selected: false });
    expect(typeof taroMock.storage.get(CART_DRAFT_STORAGE_KEY)).toBe('string');

    const after = createCartDraftStore();
    expect(after.getState().lines).toEqual(before.getState().lines);
    expect(draftToLines(after.getState().lines)).toEqual([
      { skuId: 'sku_b', quantity: 1, selected: false, addedPrice: 500 },
      { skuId: 'sku_a', quantity: 2, selected: true, addedPrice: 1990 },
    ]);
  });

  it('starts empty on corrupt storage instead of crashing', () => {
    taroMock.storage.set(CART_DRAFT_STORAGE_KEY, '{not json');
    expect(createCartDraftStore().getState().lines).toEqual([]);
  });
});

describe('session store', () => {
  const session = { token: 't', expiresAt: Date.now() + 60_000, user: { id: 'u_1', nickname: '小明', avatar: null, phone: '13800000000', platform: 'h5' } };

  it('persists the session across a restart and clears it', () => {
    const a = createSessionStore();
    a.getState().setSession(session);
    expect(typeof taroMock.storage.get(SESSION_STORAGE_KEY)).toBe('string');
    const b = createSessionStore();
    expect(b.getState()).toMatchObject({ token: 't', user: session.user, expiresAt: session.expiresAt });
    expect(isLoggedIn(b.getState())).toBe(true);
    b.getState().clear();
    expect(createSessionStore().getState().token).toBeNull();
  });

  it('treats an expired token as logged out', () => {
    const s = createSessionStore();
    s.getState().setSession({ ...session, expiresAt: 1000 });
    expect(isLoggedIn(s.getState(), 2000)).toBe(false);
    expect(isLoggedIn(s.getState(), 500)).toBe(true);
  });
});
