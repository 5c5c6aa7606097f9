import { onlineManager } from '@tanstack/react-query';
import Taro from '@tarojs/taro';
import { mockApi, ok, problem } from '@/test/render';
import { MockNetworkError } from '@/test/taro-mock';
import { useSession } from '@/stores/session';
import { ApiError, assetUrl, newIdempotencyKey, request, retryPolicy } from './http';
import { wireSessionEndNotice } from './session-notice';

const session = { token: 'tok-1', expiresAt: Date.now() + 3_600_000, user: { id: 'u_1', nickname: 'n', avatar: null, phone: null, platform: 'h5' } };

beforeEach(() => {
  retryPolicy.baseDelayMs = 1;
  useSession.getState().clear();
});

describe('request', () => {
  it('fills path params and query, and sends no idempotency key on GET', async () => {
    const calls = mockApi({ 'GET /api/products/p_1': () => ok({ id: 'p_1' }), 'GET /api/products': () => ok({ items: [], nextCursor: null }) });
    await request('getProduct', { params: { id: 'p_1' } });
    await request('listProducts', { query: { q: '茶 杯', sort: 'sales', limit: 10, cursor: undefined } });
    expect(calls[0]).toMatchObject({ method: 'GET', path: '/api/products/p_1' });
    expect(calls[0].header['Idempotency-Key']).toBeUndefined();
    expect(calls[1].query.get('q')).toBe('茶 杯');
    expect(calls[1].query.get('sort')).toBe('sales');
    expect(calls[1].query.has('cursor')).toBe(false);
  });

  it('adds a fresh Idempotency-Key to every mutation unless one is passed', async () => {
    const calls = mockApi({ 'POST /api/cart/items': () => ok({ lines: [], totals: {} }) });
    await request('addCartItem', { body: { skuId: 'sku_1', quantity: 1 } });
    await request('addCartItem', { body: { skuId: 'sku_1', quantity: 1 } });
    await request('addCartItem', { body: { skuId: 'sku_1', quantity: 1 } }, { idempotencyKey: 'intent-1' });
    const keys = calls.map((c) => c.header['Idempotency-Key']);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[0]).not.toBe(keys[1]);
    expect(keys[2]).toBe('intent-1');
    expect(calls[0].body).toEqual({ skuId: 'sku_1', quantity: 1 });
  });

  it("sends no Idempotency-Key to a route with idempotency 'none' (a shared link's visit)", async () => {
    const calls = mockApi({ 'POST /api/referral/visits': () => ok('', 204) });
    await request('recordReferralVisit', { body: { token: 'AbCdEf012345GhIjKlMn', platform: 'h5', device: 'd0123456789abcdefghijkl' } });
    expect(calls[0].header['Idempotency-Key']).toBeUndefined();
  });

  it('sends a JSON {} body on a mutation without one, so hosts never send an empty JSON body', async () => {
    const calls = mockApi({ 'POST /api/orders/o_1/cancel': () => ok({ id: 'o_1' }) });
    await request('cancelOrder', { params: { id: 'o_1' } });
    expect(calls[0].body).toEqual({});
    expect(calls[0].header['Content-Type']).toBe('application/json');
  });

  it('sends the bearer token of a live session only', async () => {
    const calls = mockApi({ 'GET /api/me': () => ok(session.user) });
    await request('getMe');
    useSession.getState().setSession(session);
    await request('getMe');
    useSession.getState().setSession({ ...session, expiresAt: Date.now() - 1 });
    await request('getMe');
    expect(calls.map((c) => c.header.Authorization)).toEqual([undefined, 'Bearer tok-1', undefined]);
  });

  it('retries GETs on network errors and 502/503/504, up to the attempt limit', async () => {
    let n = 0;
    const calls = mockApi({
      'GET /api/home': () => {
        n += 1;
        if (n === 1) throw new MockNetworkError('down');
        if (n === 2) return problem(503, 'INTERNAL');
        return ok({ banners: [], categories: [] });
      },
    });
    await expect(request('getHome')).resolves.toEqual({ banners: [], categories: [] });
    expect(calls).toHaveLength(3);

    n = 0;
    const failing = mockApi({ 'GET /api/home': () => problem(502, 'INTERNAL') });
    await expect(request('getHome')).rejects.toMatchObject({ status: 502 });
    expect(failing).toHaveLength(retryPolicy.attempts);
  });

  it('never retries a mutation, nor a GET that failed with a 4xx or 500', async () => {
    const post = mockApi({ 'POST /api/cart/items': () => problem(503, 'INTERNAL') });
    await expect(request('addCartItem', { body: { skuId: 's', quantity: 1 } })).rejects.toMatchObject({ status: 503 });
    expect(post).toHaveLength(1);
    const net = mockApi({
      'POST /api/orders': () => {
        throw new MockNetworkError('down');
      },
    });
    await expect(request('createOrder', { body: { items: [], fulfilment: { type: 'delivery', addressId: 'a' } } })).rejects.toMatchObject({ code: 'NETWORK' });
    expect(net).toHaveLength(1);
    const get = mockApi({ 'GET /api/products/x': () => problem(404, 'NOT_FOUND') });
    await expect(request('getProduct', { params: { id: 'x' } })).rejects.toMatchObject({ code: 'NOT_FOUND', status: 404 });
    expect(get).toHaveLength(1);
    const internal = mockApi({ 'GET /api/products/y': () => problem(500, 'INTERNAL') });
    await expect(request('getProduct', { params: { id: 'y' } })).rejects.toMatchObject({ code: 'INTERNAL' });
    expect(internal).toHaveLength(1);
  });

  it('maps problem+json to ApiError with the Chinese message of the code', async () => {
    mockApi({
      'POST /api/orders': () => ({
        statusCode: 409,
        data: { type: 'about:blank', title: 'Conflict', status: 409, code: 'OUT_OF_STOCK', requestId: 'r-9', errors: [{ path: 'items.0', message: 'x' }] },
      }),
      'GET /api/home': () => ({ statusCode: 418, data: { code: 'SOMETHING_NEW' } }),
    });
    const err: unknown = await request('createOrder', { body: { items: [], fulfilment: { type: 'delivery', addressId: 'a' } } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 'OUT_OF_STOCK', status: 409, requestId: 'r-9', message: '库存不足', errors: [{ path: 'items.0', message: 'x' }] });
    await expect(request('getHome')).rejects.toMatchObject({ code: 'SOMETHING_NEW', message: '出错了，请稍后再试' });
  });

  it('keeps the members a problem carries beyond the standard ones in `extra`, and reads numbers from it', async () => {
    mockApi({
      'POST /api/merchants/m_1/orders/o_1/pickup': () => ({
        statusCode: 400,
        data: { attemptsLeft: 2, type: 'https://shop.local/problems/pickup_code_invalid', title: 'The pickup code is wrong', status: 400, code: 'PICKUP_CODE_INVALID', detail: 'x', requestId: 'r-1' },
      }),
      'POST /api/merchants/m_1/skus/sku_1/stock': () => ({ statusCode: 409, data: { stock: 7, note: 'n', type: 't', title: 't', status: 409, code: 'STOCK_CHANGED' } }),
      'GET /api/home': () => problem(503, 'SERVICE_UNAVAILABLE'),
    });
    const pickup: unknown = await request('verifyPickup', { params: { merchantId: 'm_1', orderId: 'o_1' }, body: { code: '123456' } }).catch((e: unknown) => e);
    expect(pickup).toBeInstanceOf(ApiError);
    const p = pickup as ApiError;
    expect(p).toMatchObject({ code: 'PICKUP_CODE_INVALID', status: 400, requestId: 'r-1', detail: 'x', extra: { attemptsLeft: 2 } });
    expect(p.extraNumber('attemptsLeft')).toBe(2);
    expect(p.extraNumber('stock')).toBeUndefined();
    const stock = (await request('changeSkuStock', { params: { merchantId: 'm_1', skuId: 'sku_1' }, body: { set: 20, expected: 8 } }).catch((e: unknown) => e)) as ApiError;
    expect(stock.extra).toEqual({ stock: 7, note: 'n' });
    expect(stock.extraNumber('stock')).toBe(7);
    // A string is not a number, and a problem with nothing extra has no `extra`.
    expect(stock.extraNumber('note')).toBeUndefined();
    const plain = (await request('getHome').catch((e: unknown) => e)) as ApiError;
    expect(plain.extra).toBeUndefined();
  });

  it('offline, a failed GET is reported at once instead of backing off', async () => {
    onlineManager.setOnline(false);
    const calls = mockApi({
      'GET /api/home': () => {
        throw new MockNetworkError('offline');
      },
    });
    await expect(request('getHome')).rejects.toMatchObject({ code: 'NETWORK', message: '网络不可用，请检查网络后重试' });
    expect(calls).toHaveLength(1);
    onlineManager.setOnline(true);
  });

  it('turns a network failure into code NETWORK, status 0', async () => {
    mockApi({
      'GET /api/home': () => {
        throw new MockNetworkError('down');
      },
    });
    await expect(request('getHome')).rejects.toMatchObject({ code: 'NETWORK', status: 0, message: '网络不可用，请检查网络后重试' });
  });

  it("reads an HTTP error delivered through fail (Alipay's error 19) as the HTTP answer", async () => {
    jest.mocked(Taro.request).mockImplementationOnce(() =>
      Object.assign(Promise.reject({ error: 19, errorMessage: 'http status error', status: 409, data: { code: 'OUT_OF_STOCK' }, headers: {} }), {
        abort: () => undefined,
      }) as unknown as ReturnType<typeof Taro.request>,
    );
    await expect(request('addCartItem', { body: { skuId: 's', quantity: 1 } })).rejects.toMatchObject({ code: 'OUT_OF_STOCK', status: 409 });
  });

  it('clears the session on a 401 to an authenticated request', async () => {
    useSession.getState().setSession(session);
    mockApi({ 'GET /api/cart': () => problem(401, 'UNAUTHORIZED') });
    await expect(request('getCart')).rejects.toMatchObject({ code: 'UNAUTHORIZED', message: '请先登录' });
    expect(useSession.getState().token).toBeNull();
  });

  it('a disabled account: the session ends with its reason, and the shopper is told once', async () => {
    const stop = wireSessionEndNotice();
    try {
      (Taro.showModal as jest.Mock).mockClear();
      useSession.getState().setSession(session);
      mockApi({ 'GET /api/cart': () => problem(401, 'ACCOUNT_DISABLED'), 'GET /api/me': () => problem(401, 'UNAUTHORIZED') });
      await expect(request('getCart')).rejects.toMatchObject({ code: 'ACCOUNT_DISABLED', status: 401, message: '账号已停用，如有疑问请联系客服' });
      expect(useSession.getState()).toMatchObject({ token: null, user: null, endedBy: null });
      expect(Taro.showModal).toHaveBeenCalledTimes(1);
      expect(Taro.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '已退出登录', content: '账号已停用，如有疑问请联系客服', showCancel: false }));
      // A plain 401 signs out without a notice (the login gate takes over).
      useSession.getState().setSession(session);
      await expect(request('getMe')).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
      expect(useSession.getState().token).toBeNull();
      expect(Taro.showModal).toHaveBeenCalledTimes(1);
    } finally {
      stop();
    }
  });

  it('stops when the signal aborts, without retrying', async () => {
    const controller = new AbortController();
    const calls = mockApi({
      'GET /api/home': () => {
        controller.abort();
        throw new MockNetworkError('aborted');
      },
    });
    await expect(request('getHome', {}, { signal: controller.signal })).rejects.toMatchObject({ code: 'ABORTED' });
    expect(calls).toHaveLength(1);
  });

  it('goes over Taro.request with the API base', async () => {
    mockApi({ 'GET /healthz': () => ok({ status: 'ok' }) });
    await request('health');
    expect(Taro.request).toHaveBeenCalledWith(expect.objectContaining({ url: '/healthz', method: 'GET' }));
  });
});

describe('helpers', () => {
  it('assetUrl resolves API paths against the base and keeps absolute URLs', () => {
    expect(assetUrl('/images/p.svg')).toBe('/images/p.svg');
    process.env.TARO_APP_API_BASE = 'http://127.0.0.1:3000/';
    expect(assetUrl('/images/p.svg')).toBe('http://127.0.0.1:3000/images/p.svg');
    expect(assetUrl('https://cdn.test/x.png')).toBe('https://cdn.test/x.png');
    process.env.TARO_APP_API_BASE = '';
  });

  it('newIdempotencyKey gives distinct keys', () => {
    const set = new Set(Array.from({ length: 200 }, () => newIdempotencyKey()));
    expect(set.size).toBe(200);
  });
});
