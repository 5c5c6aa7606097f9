import { fireEvent, screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { mockApi, ok, problem, renderWithClient } from '@/test/render';
import { taroMock } from '@/test/taro-mock';
import { useWorkbenchStore } from '@/stores/workbench';
import LiveEditPage from './live-edit';
import { hostSession, product, workplace } from './test-data';

const M = '/api/merchants/m_1';

beforeEach(() => {
  useWorkbenchStore.setState({ merchantId: null });
  taroMock.setModalResult(true);
});

const twoSkus = product({
  skus: [
    { id: 'sku_1', productId: 'p_1', specText: '白色 L', price: 4_900, originalPrice: null, stock: 8, sales: 30, updatedAt: 1 },
    { id: 'sku_3', productId: 'p_1', specText: '黑色 M', price: 5_900, originalPrice: null, stock: 0, sales: 2, updatedAt: 1 },
  ],
});

async function fillBasics() {
  fireEvent.change(await screen.findByTestId('live-title'), { target: { value: '周末专场' } });
  fireEvent.change(screen.getByTestId('live-date-input'), { target: { value: '2030-01-02' } });
  fireEvent.change(screen.getByTestId('live-time-input'), { target: { value: '20:30' } });
  fireEvent.change(screen.getByTestId('live-playback'), { target: { value: 'https://cdn.example.com/live/1.m3u8' } });
}

describe('live session form (创建直播)', () => {
  it('picks a SKU (price and quota default to its own), refuses a price above it beside the field, then creates and opens the console', async () => {
    taroMock.setRouterParams({ merchantId: 'm_1' });
    const calls = mockApi({
      [`GET ${M}`]: () => ok(workplace('live_host')),
      [`GET ${M}/products`]: () => ok({ items: [twoSkus], nextCursor: null }),
      [`POST ${M}/live/sessions`]: () => ok(hostSession({ id: 'ls_9', status: 'scheduled' }), 201),
    });
    renderWithClient(<LiveEditPage />);
    await fillBasics();
    expect(screen.getByTestId('live-basics').textContent).toContain('HLS（.m3u8）');
    fireEvent.click(screen.getByTestId('live-add-goods'));
    // Out of stock: not pickable.
    expect((await screen.findByTestId('live-pick-sku_3')).getAttribute('aria-disabled')).toBe('true');
    fireEvent.click(screen.getByTestId('live-pick-sku_1'));
    await waitFor(() => expect(screen.queryByTestId('live-picker')).toBeNull());
    const line = screen.getByTestId('live-line-sku_1');
    const price = line.querySelector('[data-testid="live-line-price"]') as HTMLInputElement;
    const quota = line.querySelector('[data-testid="live-line-quota"]') as HTMLInputElement;
    expect([price.value, quota.value]).toEqual(['49.00', '8']);

    fireEvent.change(price, { target: { value: '49.5' } });
    fireEvent.change(quota, { target: { value: '9' } });
    fireEvent.click(screen.getByTestId('live-save'));
    expect((await screen.findByTestId('live-problem-price:sku_1')).textContent).toBe('直播价不能高于售价 ¥49.00');
    expect(screen.getByTestId('live-problem-quota:sku_1').textContent).toBe('直播库存不能超过可用库存 8');
    expect(calls.some((c) => c.method === 'POST')).toBe(false);

    fireEvent.change(price, { target: { value: '39.9' } });
    fireEvent.change(quota, { target: { value: '5' } });
    fireEvent.click(screen.getByTestId('live-save'));
    await waitFor(() => expect(Taro.redirectTo).toHaveBeenCalledWith({ url: '/pages/merchant/live-console?merchantId=m_1&id=ls_9' }));
    const post = calls.find((c) => c.method === 'POST');
    expect(post?.body).toEqual({
      title: '周末专场', startsAt: new Date(2030, 0, 2, 20, 30).getTime(), playbackUrl: 'https://cdn.example.com/live/1.m3u8', perShopperLimit: 5,
      lines: [{ skuId: 'sku_1', price: 3_990, quota: 5 }],
    });
    expect(post?.header['Idempotency-Key'] ?? post?.header['idempotency-key']).toEqual(expect.any(String));
  });

  it("shows the server's refusals in Chinese beside the field they name, and the others as a toast", async () => {
    taroMock.setRouterParams({ merchantId: 'm_1' });
    let answer = problem(400, 'LIVE_QUOTA_INVALID', { skuId: 'sku_1', minimum: 1, maximum: 6 });
    mockApi({
      [`GET ${M}`]: () => ok(workplace('owner')),
      [`GET ${M}/products`]: () => ok({ items: [product()], nextCursor: null }),
      [`POST ${M}/live/sessions`]: () => answer,
    });
    renderWithClient(<LiveEditPage />);
    await fillBasics();
    fireEvent.click(screen.getByTestId('live-add-goods'));
    fireEvent.click(await screen.findByTestId('live-pick-sku_1'));
    fireEvent.click(screen.getByTestId('live-save'));
    expect((await screen.findByTestId('live-problem-quota:sku_1')).textContent).toBe('直播库存需在 1 到 6 之间');

    answer = problem(400, 'LIVE_PRICE_INVALID', { skuId: 'sku_1', maximum: 4_500 });
    fireEvent.click(screen.getByTestId('live-save'));
    expect((await screen.findByTestId('live-problem-price:sku_1')).textContent).toBe('直播价不能高于售价 ¥45.00');
    expect(screen.queryByTestId('live-problem-quota:sku_1')).toBeNull();

    answer = { statusCode: 400, data: { type: 'about:blank', title: 'x', status: 400, code: 'VALIDATION_FAILED', errors: [{ path: 'body.playbackUrl', message: 'must be an http(s) URL or a path' }] } };
    fireEvent.click(screen.getByTestId('live-save'));
    expect((await screen.findByTestId('live-problem-playbackUrl')).textContent).toBe('提交的信息有误，请检查后重试');

    answer = problem(400, 'LIVE_LINEUP_INVALID', { skuId: 'sku_1' });
    fireEvent.click(screen.getByTestId('live-save'));
    expect((await screen.findByTestId('live-problem-lines')).textContent).toBe('该商品不在本场直播的商品列表中');

    answer = problem(403, 'FORBIDDEN_ROLE');
    fireEvent.click(screen.getByTestId('live-save'));
    await waitFor(() => expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ icon: 'none', title: expect.stringMatching(/[\u4e00-\u9fa5]/) })));
  });

  it('needs a lineup, a title and a stream before sending anything', async () => {
    taroMock.setRouterParams({ merchantId: 'm_1' });
    const calls = mockApi({ [`GET ${M}`]: () => ok(workplace('owner')) });
    renderWithClient(<LiveEditPage />);
    fireEvent.click(await screen.findByTestId('live-save'));
    expect((await screen.findByTestId('live-problem-lines')).textContent).toBe('请至少添加一件直播商品');
    expect(screen.getByTestId('live-problem-title').textContent).toBe('请填写直播标题（不超过 40 个字）');
    expect(screen.getByTestId('live-problem-playbackUrl')).toBeTruthy();
    expect(calls.some((c) => c.method === 'POST')).toBe(false);
  });

  it('edits a session not over yet: sends only what changed; an ended one is not editable', async () => {
    taroMock.setRouterParams({ merchantId: 'm_1', id: 'ls_1' });
    let session = hostSession({ status: 'scheduled' });
    const calls = mockApi({
      [`GET ${M}`]: () => ok(workplace('operator')),
      [`GET ${M}/live/sessions/ls_1`]: () => ok(session),
      [`PATCH ${M}/live/sessions/ls_1`]: () => ok({ ...session, title: '新标题' }),
    });
    const { client, unmount } = renderWithClient(<LiveEditPage />);
    const title = (await screen.findByTestId('live-title')) as HTMLInputElement;
    expect(title.value).toBe('周末专场');
    expect(screen.getByTestId('live-lineup').textContent).toContain('请在直播间里添加商品');
    fireEvent.change(title, { target: { value: '新标题' } });
    fireEvent.change(screen.getByTestId('live-limit'), { target: { value: '2' } });
    fireEvent.click(screen.getByTestId('live-save'));
    await waitFor(() => expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已保存' })));
    expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({ title: '新标题', perShopperLimit: 2 });
    unmount();

    session = hostSession({ status: 'ended' });
    client.clear();
    renderWithClient(<LiveEditPage />, client);
    expect((await screen.findByTestId('live-edit-over')).textContent).toBe('直播已结束，不能再修改');
    expect(screen.queryByTestId('live-save')).toBeNull();
  });
});
