import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { cartLine, cartView, session } from '@/test/fixtures';
import { mockApi, ok, problem, renderWithClient } from '@/test/render';
import { useCartDraft } from '@/stores/cart-draft';
import { useSession } from '@/stores/session';
import CartPage from './index';

beforeEach(() => {
  useCartDraft.getState().clear();
  useSession.getState().clear();
});

const serverCart = () =>
  cartView([
    cartLine('sku_a', { unitPrice: 1500, addedPrice: 1500, quantity: 2, lineAmount: 3000 }),
    cartLine('sku_b', { unitPrice: 900, addedPrice: 1000, issue: 'price_changed', lineAmount: 900 }),
    cartLine('sku_c', { valid: false, issue: 'off_shelf', selected: true, title: '下架的杯子' }),
    cartLine('sku_d', { valid: false, issue: 'insufficient_stock', stock: 0, title: '没货的壶' }),
  ]);

describe('cart page (signed in)', () => {
  beforeEach(() => useSession.getState().setSession(session()));

  it('greys invalid lines with their reason, excludes them from totals and checkout', async () => {
    mockApi({ 'GET /api/cart': () => ok(serverCart()) });
    renderWithClient(<CartPage />);
    await screen.findByText('商品 sku_a');
    const lines = screen.getAllByTestId('cart-line');
    expect(lines).toHaveLength(4);
    const invalid = lines.filter((l) => l.className.includes('cart-line--invalid'));
    expect(invalid.map((l) => l.textContent)).toEqual([expect.stringContaining('已下架'), expect.stringContaining('库存不足')]);
    invalid.forEach((l) => expect(within(l).getByRole('checkbox').getAttribute('aria-checked')).toBe('false'));
    expect(screen.getByText('部分商品价格有变动，请留意')).toBeTruthy();
    expect(lines[1].textContent).toContain('价格已变动（加入时 ¥10.00）');
    expect(screen.getByTestId('cart-total').textContent).toBe('¥39.00');
    expect(screen.getByText('结算(3)')).toBeTruthy();
    // The off-shelf line has no stepper; the insufficient one (stock 0 here) neither.
    invalid.forEach((l) => expect(within(l).queryByLabelText('增加')).toBeNull());

    fireEvent.click(screen.getByText('结算(3)'));
    expect(Taro.navigateTo).toHaveBeenCalledWith({
      url: `/pages/checkout/index?items=${encodeURIComponent('sku_a:2,sku_b:1')}&fromCart=1`,
    });
  });

  it('changes quantity optimistically and rolls back when the server refuses', async () => {
    let current = serverCart();
    let release: () => void = () => undefined;
    const calls = mockApi({
      'GET /api/cart': () => ok(current),
      'PATCH /api/cart/items/sku_a': async (req) => {
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        const body = req.body as { quantity: number };
        if (body.quantity > 3) return problem(409, 'OUT_OF_STOCK');
        current = cartView(current.lines.map((l) => (l.skuId === 'sku_a' ? { ...l, quantity: body.quantity, lineAmount: l.unitPrice * body.quantity } : l)));
        return ok(current);
      },
    });
    renderWithClient(<CartPage />);
    await screen.findByText('商品 sku_a');
    const first = () => screen.getAllByTestId('cart-line')[0];
    const qty = () => first().querySelector('.stepper__value')?.textContent;
    expect(qty()).toBe('2');

    fireEvent.click(within(first()).getByLabelText('增加'));
    // Shown before the server answers.
    await waitFor(() => expect(qty()).toBe('3'));
    expect(calls.filter((c) => c.method === 'PATCH')).toHaveLength(1);
    release();
    await waitFor(() => expect(screen.getByTestId('cart-total').textContent).toBe('¥54.00'));
    expect(calls.filter((c) => c.method === 'PATCH').map((c) => c.body)).toEqual([{ quantity: 3 }]);

    fireEvent.click(within(first()).getByLabelText('增加'));
    await waitFor(() => expect(qty()).toBe('4'));
    await waitFor(() => expect(calls.filter((c) => c.method === 'PATCH')).toHaveLength(2));
    release();
    await waitFor(() => expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '库存不足' })));
    await waitFor(() => expect(qty()).toBe('3'));
    expect(screen.getByTestId('cart-total').textContent).toBe('¥54.00');
  });

  it('a line asking for more than the stock can be brought down to the stock', async () => {
    const calls = mockApi({
      'GET /api/cart': () => ok(cartView([cartLine('sku_x', { valid: false, issue: 'insufficient_stock', quantity: 8, stock: 3 })])),
      'PATCH /api/cart/items/sku_x': () => ok(cartView([cartLine('sku_x', { quantity: 3, stock: 3 })])),
    });
    renderWithClient(<CartPage />);
    await screen.findByText('商品 sku_x');
    fireEvent.click(screen.getByLabelText('减少'));
    await waitFor(() => expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({ quantity: 3 }));
    await waitFor(() => expect(screen.getByTestId('cart-total').textContent).toBe('¥30.00'));
  });

  it('select all toggles every valid line', async () => {
    const calls = mockApi({
      'GET /api/cart': () => ok(serverCart()),
      'POST /api/cart/select-all': (req) => {
        const selected = (req.body as { selected: boolean }).selected;
        return ok(cartView(serverCart().lines.map((l) => ({ ...l, selected }))));
      },
    });
    renderWithClient(<CartPage />);
    await screen.findByText('商品 sku_a');
    fireEvent.click(screen.getByLabelText('全选'));
    await waitFor(() => expect(screen.getByTestId('cart-total').textContent).toBe('¥0.00'));
    expect(calls.find((c) => c.path === '/api/cart/select-all')?.body).toEqual({ selected: false });
    expect((screen.getByText('结算(0)') as HTMLButtonElement).disabled).toBe(true);
  });
});

describe('cart grouped by shop (signed in)', () => {
  beforeEach(() => useSession.getState().setSession(session()));

  const twoShops = () =>
    cartView([
      cartLine('sku_a', { merchantId: 'm_1', merchantName: '一号小铺', unitPrice: 1000, lineAmount: 1000 }),
      cartLine('sku_b', { merchantId: 'm_2', merchantName: '二号茶庄', unitPrice: 2000, lineAmount: 2000 }),
      cartLine('sku_c', { merchantId: 'm_1', merchantName: '一号小铺', unitPrice: 500, lineAmount: 500 }),
      cartLine('sku_d', { merchantId: 'm_2', merchantName: '二号茶庄', valid: false, issue: 'off_shelf' }),
    ]);

  it('shows one card per shop with its lines; invalid lines stay apart', async () => {
    mockApi({ 'GET /api/cart': () => ok(twoShops()) });
    renderWithClient(<CartPage />);
    await screen.findByText('商品 sku_a');
    const shops = screen.getAllByTestId('cart-shop');
    expect(shops.map((g) => within(g).getAllByTestId('cart-line').map((l) => l.textContent?.match(/商品 (sku_\w)/)?.[1]))).toEqual([
      ['sku_a', 'sku_c'],
      ['sku_b'],
    ]);
    expect(within(shops[0]).getByText('一号小铺')).toBeTruthy();
    expect(within(shops[1]).getByText('二号茶庄')).toBeTruthy();
    expect(screen.getByText('失效商品')).toBeTruthy();
  });

  it("a shop's 全选 (box or name) selects only that shop's lines", async () => {
    let current = twoShops();
    const calls = mockApi({
      'GET /api/cart': () => ok(current),
      'POST /api/cart/select-all': (req) => {
        const { selected, merchantId } = req.body as { selected: boolean; merchantId?: string };
        current = cartView(current.lines.map((l) => (merchantId === undefined || l.merchantId === merchantId ? { ...l, selected } : l)));
        return ok(current);
      },
    });
    renderWithClient(<CartPage />);
    await screen.findByText('商品 sku_a');
    fireEvent.click(screen.getByText('一号小铺'));
    await waitFor(() => expect(screen.getByTestId('cart-total').textContent).toBe('¥20.00'));
    expect(calls.find((c) => c.path === '/api/cart/select-all')?.body).toEqual({ selected: false, merchantId: 'm_1' });
    const shopBox = screen.getByLabelText('选择 一号小铺 的全部商品');
    expect(shopBox.getAttribute('aria-checked')).toBe('false');
    expect(screen.getByLabelText('全选').getAttribute('aria-checked')).toBe('false');
    fireEvent.click(shopBox);
    await waitFor(() => expect(screen.getByTestId('cart-total').textContent).toBe('¥35.00'));
    expect(screen.getByLabelText('全选').getAttribute('aria-checked')).toBe('true');
  });

  it('tapping the 全选 label (not only the circle) toggles every line', async () => {
    const calls = mockApi({
      'GET /api/cart': () => ok(twoShops()),
      'POST /api/cart/select-all': (req) => ok(cartView(twoShops().lines.map((l) => ({ ...l, selected: (req.body as { selected: boolean }).selected })))),
    });
    renderWithClient(<CartPage />);
    await screen.findByText('商品 sku_a');
    fireEvent.click(screen.getByText('全选'));
    await waitFor(() => expect(screen.getByTestId('cart-total').textContent).toBe('¥0.00'));
    expect(calls.find((c) => c.path === '/api/cart/select-all')?.body).toEqual({ selected: false });
  });
});

describe('cart grouped by shop (guest)', () => {
  it("a shop's 全选 changes only that shop's lines in the device draft", async () => {
    useCartDraft.getState().add('sku_a', 1, 1000);
    useCartDraft.getState().add('sku_b', 1, 2000);
    mockApi({
      'POST /api/cart/quote': (req) => {
        const { lines } = req.body as { lines: { skuId: string; quantity: number; selected: boolean }[] };
        return ok(
          cartView(
            lines.map((l) =>
              cartLine(l.skuId, l.skuId === 'sku_b' ? { merchantId: 'm_2', merchantName: '二号茶庄', selected: l.selected } : { selected: l.selected }),
            ),
          ),
        );
      },
    });
    renderWithClient(<CartPage />);
    await screen.findByText('商品 sku_a');
    fireEvent.click(screen.getByText('二号茶庄'));
    expect(useCartDraft.getState().lines.map((l) => [l.skuId, l.selected])).toEqual([
      ['sku_b', false],
      ['sku_a', true],
    ]);
  });
});

describe('cart page (guest)', () => {
  it('prices the device draft with quoteCart and sends the guest to login at checkout', async () => {
    useCartDraft.getState().add('sku_a', 2, 1500);
    const calls = mockApi({
      'POST /api/cart/quote': (req) => {
        const { lines } = req.body as { lines: { skuId: string; quantity: number }[] };
        return ok(cartView(lines.map((l) => cartLine(l.skuId, { unitPrice: 1500, addedPrice: 1500, quantity: l.quantity }))));
      },
    });
    renderWithClient(<CartPage />);
    await screen.findByText('商品 sku_a');
    expect(screen.getByTestId('cart-total').textContent).toBe('¥30.00');
    expect(calls[0].body).toEqual({ lines: [{ skuId: 'sku_a', quantity: 2, selected: true, addedPrice: 1500 }] });
    expect(calls[0].header.Authorization).toBeUndefined();

    fireEvent.click(within(screen.getAllByTestId('cart-line')[0]).getByLabelText('减少'));
    expect(useCartDraft.getState().lines[0].quantity).toBe(1);
    await waitFor(() => expect(screen.getByTestId('cart-total').textContent).toBe('¥15.00'));

    fireEvent.click(screen.getByText('结算(1)'));
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: `/pages/login/index?redirect=${encodeURIComponent('/pages/cart/index')}` });
  });

  it('an empty draft shows the empty state without calling the API', async () => {
    const calls = mockApi({});
    renderWithClient(<CartPage />);
    expect(await screen.findByText('购物车还是空的')).toBeTruthy();
    expect(calls).toHaveLength(0);
  });
});
