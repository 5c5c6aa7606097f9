import { onlineManager } from '@tanstack/react-query';
import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { cartView, cartLine, detail, session } from '@/test/fixtures';
import { mockApi, ok, renderWithClient } from '@/test/render';
import { MockNetworkError, taroMock } from '@/test/taro-mock';
import { useCartDraft } from '@/stores/cart-draft';
import { useSession } from '@/stores/session';
import ProductPage from './index';

const value = (spec: string, v: string) => screen.getByTestId(`spec-${spec}-${v}`);
const isDisabled = (el: HTMLElement) => el.getAttribute('aria-disabled') === 'true';

beforeEach(() => {
  useCartDraft.getState().clear();
  useSession.getState().clear();
  taroMock.setRouterParams({ id: 'p_1' });
});

describe('product page', () => {
  it('shows the price range, disables sold-out combinations and shows the chosen SKU price and stock', async () => {
    mockApi({ 'GET /api/products/p_1': () => ok(detail()) });
    const { container } = renderWithClient(<ProductPage />);
    expect(await screen.findByText('纯棉T恤')).toBeTruthy();
    expect(container.textContent).toContain('¥59.00-¥69.00');
    expect(screen.getByTestId('sku-stock').textContent).toBe('库存 11 件');

    fireEvent.click(value('颜色', '红'));
    expect(value('颜色', '红').getAttribute('aria-pressed')).toBe('true');
    // 红-L is sold out: L is disabled while 红 is chosen; M stays available.
    expect(isDisabled(value('尺码', 'L'))).toBe(true);
    expect(isDisabled(value('尺码', 'M'))).toBe(false);
    fireEvent.click(value('尺码', 'L'));
    expect(value('尺码', 'L').getAttribute('aria-pressed')).toBe('false');

    fireEvent.click(value('尺码', 'M'));
    expect(screen.getByTestId('sku-stock').textContent).toBe('库存 3 件');
    expect(container.textContent).toContain('¥79.00'); // the SKU's list price
    expect(container.textContent).not.toContain('¥69.00');
    // With M chosen, 蓝 (蓝-M sold out) is disabled.
    expect(isDisabled(value('颜色', '蓝'))).toBe(true);
  });

  it('guest: adds the chosen SKU to the device draft; quantity is bounded by stock', async () => {
    mockApi({ 'GET /api/products/p_1': () => ok(detail()) });
    renderWithClient(<ProductPage />);
    await screen.findByText('纯棉T恤');
    fireEvent.click(screen.getByText('加入购物车'));
    expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '请选择 颜色、尺码' }));
    expect(useCartDraft.getState().lines).toEqual([]);

    fireEvent.click(value('颜色', '红'));
    fireEvent.click(value('尺码', 'M'));
    for (let i = 0; i < 5; i++) fireEvent.click(screen.getByLabelText('增加'));
    expect(screen.getByLabelText('增加').getAttribute('aria-disabled')).toBe('true');
    fireEvent.click(screen.getByText('加入购物车'));
    expect(useCartDraft.getState().lines).toMatchObject([{ skuId: 'sku_rm', quantity: 3, addedPrice: 5900, selected: true }]);
  });

  it('signed in: adds through the API; buy now goes to checkout with the line', async () => {
    useSession.getState().setSession(session());
    const calls = mockApi({
      'GET /api/products/p_1': () => ok(detail()),
      'POST /api/cart/items': () => ok(cartView([cartLine('sku_bl')])),
    });
    renderWithClient(<ProductPage />);
    await screen.findByText('纯棉T恤');
    fireEvent.click(value('颜色', '蓝'));
    fireEvent.click(value('尺码', 'L'));
    fireEvent.click(screen.getByText('加入购物车'));
    await waitFor(() => expect(calls.some((c) => c.method === 'POST' && c.path === '/api/cart/items')).toBe(true));
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ skuId: 'sku_bl', quantity: 1 });
    await waitFor(() => expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已加入购物车' })));

    fireEvent.click(screen.getByText('立即购买'));
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: `/pages/checkout/index?items=${encodeURIComponent('sku_bl:1')}` });
  });

  it('guest buy now goes to login first, with checkout as the redirect', async () => {
    mockApi({ 'GET /api/products/p_1': () => ok(detail()) });
    renderWithClient(<ProductPage />);
    await screen.findByText('纯棉T恤');
    fireEvent.click(value('颜色', '蓝'));
    fireEvent.click(value('尺码', 'L'));
    fireEvent.click(screen.getByText('立即购买'));
    const target = `/pages/checkout/index?items=${encodeURIComponent('sku_bl:1')}`;
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: `/pages/login/index?redirect=${encodeURIComponent(target)}` });
  });

  it('an off-shelf product shows 已下架 and cannot be bought: no stock figure, every option inert', async () => {
    mockApi({ 'GET /api/products/p_1': () => ok(detail({ onShelf: false })) });
    const { container } = renderWithClient(<ProductPage />);
    await screen.findByText('纯棉T恤');
    expect(screen.getByTestId('sku-stock').textContent).toBe('已下架');
    expect(container.textContent).not.toMatch(/库存 \d+ 件/);
    expect(screen.getByText('商品已下架，看看其他商品吧')).toBeTruthy();
    for (const [spec, v] of [['颜色', '红'], ['颜色', '蓝'], ['尺码', 'M'], ['尺码', 'L']]) {
      expect(isDisabled(value(spec, v))).toBe(true);
      expect(value(spec, v).className).toContain('product__spec-value--off');
    }
    fireEvent.click(value('颜色', '红'));
    expect(value('颜色', '红').getAttribute('aria-pressed')).toBe('false');
    expect((screen.getByText('加入购物车') as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByText('立即购买') as HTMLButtonElement).disabled).toBe(true);
  });

  it('a tapped photo opens the viewer on it, with every photo of the product', async () => {
    mockApi({ 'GET /api/products/p_1': () => ok(detail()) });
    const { container } = renderWithClient(<ProductPage />);
    await screen.findByText('纯棉T恤');
    const photos = container.querySelectorAll('img.product__image');
    expect([...photos].map((p) => p.getAttribute('aria-label'))).toEqual(['纯棉T恤', '纯棉T恤']);
    fireEvent.click(photos[1]);
    await waitFor(() =>
      expect(Taro.previewImage).toHaveBeenCalledWith({
        urls: [expect.stringMatching(/\/images\/p_1-1\.svg$/), expect.stringMatching(/\/images\/p_1-2\.svg$/)],
        current: expect.stringMatching(/\/images\/p_1-2\.svg$/),
      }),
    );
  });

  it('a missing product says so and leads home (a retry cannot bring it back)', async () => {
    mockApi({ 'GET /api/products/p_1': () => ({ statusCode: 404, data: { code: 'NOT_FOUND', status: 404 } }) });
    renderWithClient(<ProductPage />);
    expect(await screen.findByText('商品不存在或已删除')).toBeTruthy();
    expect(screen.queryByText('重试')).toBeNull();
    fireEvent.click(screen.getByText('返回首页'));
    expect(Taro.switchTab).toHaveBeenCalledWith({ url: '/pages/home/index' });
  });

  it('offline: the page says the network is down, with a retry and a way home, instead of a skeleton', async () => {
    onlineManager.setOnline(false);
    let online = false;
    mockApi({
      'GET /api/products/p_1': () => {
        if (!online) throw new MockNetworkError('offline');
        return ok(detail());
      },
    });
    renderWithClient(<ProductPage />);
    expect(await screen.findByText('网络不可用')).toBeTruthy();
    expect(screen.getByText('返回首页')).toBeTruthy();
    online = true;
    act(() => onlineManager.setOnline(true));
    fireEvent.click(screen.getByText('重试'));
    expect(await screen.findByText('纯棉T恤')).toBeTruthy();
  });

  it('offline, a product already shown stays on screen when a refetch fails', async () => {
    let online = true;
    mockApi({
      'GET /api/products/p_1': () => {
        if (!online) throw new MockNetworkError('offline');
        return ok(detail());
      },
    });
    const { client } = renderWithClient(<ProductPage />);
    await screen.findByText('纯棉T恤');
    online = false;
    act(() => onlineManager.setOnline(false));
    await act(async () => {
      await client.refetchQueries();
    });
    expect(screen.getByText('纯棉T恤')).toBeTruthy();
    expect(screen.queryByText('网络不可用')).toBeNull();
    expect(screen.getByRole('status').textContent).toBe('当前网络不可用，显示的内容可能不是最新的');
  });

  it('signed in, offline: 加入购物车 says the network is down and is ready again; nothing is sent later', async () => {
    useSession.getState().setSession(session());
    let online = true;
    const calls = mockApi({
      'GET /api/products/p_1': () => ok(detail()),
      'POST /api/cart/items': () => {
        if (!online) throw new MockNetworkError('offline');
        return ok(cartView([cartLine('sku_bl')]));
      },
    });
    renderWithClient(<ProductPage />);
    await screen.findByText('纯棉T恤');
    fireEvent.click(value('颜色', '蓝'));
    fireEvent.click(value('尺码', 'L'));
    online = false;
    act(() => onlineManager.setOnline(false));
    fireEvent.click(screen.getByText('加入购物车'));
    await waitFor(() => expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '网络不可用，请检查网络后重试' })));
    await waitFor(() => expect((screen.getByText('加入购物车') as HTMLButtonElement).disabled).toBe(false));
    const posts = () => calls.filter((c) => c.method === 'POST').length;
    expect(posts()).toBe(1);
    online = true;
    act(() => onlineManager.setOnline(true));
    await new Promise((r) => setTimeout(r, 50));
    expect(posts()).toBe(1);
  });
});
