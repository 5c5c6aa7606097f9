import { problemSchema } from '../../contract/errors';
import { testApp, type ApiResponse, type TestApp } from '../test/app';

/**
 * The HTTP edge: every bad input is a clear 4xx problem+json with a stable code and writes
 * nothing; idempotency keys replay, refuse reuse, and collapse concurrent duplicates.
 */
let t: TestApp;
let token: string;

beforeAll(async () => {
  t = await testApp();
  token = await t.login();
});
afterAll(async () => {
  await t.close();
});

function expectProblem(res: ApiResponse, status: number, code: string): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const parsed = problemSchema.safeParse(res.body);
  expect(parsed.success).toBe(true);
  expect(res.body).toMatchObject({ status, code, type: `https://shop.local/problems/${code.toLowerCase()}` });
  expect(typeof (res.body as { requestId?: unknown }).requestId).toBe('string');
}

const address = {
  name: '张三',
  phone: '13800138000',
  province: '浙江省',
  city: '杭州市',
  district: '西湖区',
  detail: '文三路 100 号',
};

async function count(table: 'addresses' | 'cart_lines' | 'users' | 'idempotency_keys'): Promise<number> {
  const row = await t.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('edge validation', () => {
  it('answers an unknown route with 404 ROUTE_NOT_FOUND and a wrong method with 405', async () => {
    expectProblem(await t.get('/api/nope'), 404, 'ROUTE_NOT_FOUND');
    const res = await t.request('PUT', '/api/products/p_0001', { body: {} });
    expectProblem(res, 405, 'METHOD_NOT_ALLOWED');
    expect(res.headers.allow).toBe('GET');
  });

  it('rejects unknown fields in a body and in a query', async () => {
    const before = await count('addresses');
    const res = await t.post('/api/addresses', { ...address, admin: true }, { token });
    expectProblem(res, 400, 'VALIDATION_FAILED');
    expect((res.body as { errors: { path: string }[] }).errors).toEqual([{ path: 'body.admin', message: 'unknown field' }]);
    expectProblem(await t.get('/api/products?color=red'), 400, 'VALIDATION_FAILED');
    expect(await count('addresses')).toBe(before);
  });

  it.each([
    ['zero', 0],
    ['negative', -3],
    ['absurd', 100000],
    ['fractional', 1.5],
    ['a string', '2'],
    ['unsafe', Number.MAX_SAFE_INTEGER + 2],
  ])('rejects a %s quantity with 400 and writes nothing', async (_label, quantity) => {
    const res = await t.post('/api/cart/items', { skuId: 'sku_0001_01', quantity }, { token });
    expectProblem(res, 400, 'VALIDATION_FAILED');
    expect((res.body as { errors: { path: string }[] }).errors[0].path).toBe('body.quantity');
    expect(await count('cart_lines')).toBe(0);
  });

  it('rejects ids that do not exist with 404 and malformed ids with 400', async () => {
    expectProblem(await t.get('/api/products/p_9999'), 404, 'NOT_FOUND');
    expectProblem(await t.patch('/api/addresses/adr_nope', { name: '李四' }, { token }), 404, 'NOT_FOUND');
    expectProblem(await t.get('/api/products/bad%20id'), 400, 'VALIDATION_FAILED');
    expectProblem(await t.get(`/api/products/${'x'.repeat(65)}`), 400, 'VALIDATION_FAILED');
  });

  it('rejects a malformed URL with a 4xx problem', async () => {
    const res = await t.get('/api/products/%E0%A4%A');
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('rejects malformed JSON with 400 MALFORMED_JSON', async () => {
    for (const payload of ['{"phone": ', '{phone: 1}', 'null garbage', '[1,2']) {
      const res = await t.request('POST', '/api/auth/otp', { payload, headers: { 'content-type': 'application/json' } });
      expectProblem(res, 400, 'MALFORMED_JSON');
    }
  });

  it('rejects prototype-poisoning JSON', async () => {
    const payload = '{"phone":"13800000000","__proto__":{"isAdmin":true}}';
    const res = await t.request('POST', '/api/auth/otp', { payload, headers: { 'content-type': 'application/json' } });
    expectProblem(res, 400, 'MALFORMED_JSON');
  });

  it('rejects a body that is not an object, and a missing body', async () => {
    expectProblem(await t.request('POST', '/api/auth/otp', { payload: '[]', headers: { 'content-type': 'application/json' } }), 400, 'VALIDATION_FAILED');
    expectProblem(await t.request('POST', '/api/auth/otp', { payload: '"x"', headers: { 'content-type': 'application/json' } }), 400, 'VALIDATION_FAILED');
    const missing = await t.request('POST', '/api/auth/otp');
    expectProblem(missing, 400, 'VALIDATION_FAILED');
    expect((missing.body as { errors: { path: string }[] }).errors[0]).toEqual({ path: 'body', message: 'a JSON body is required' });
  });

  it('rejects an oversized body with 413 PAYLOAD_TOO_LARGE and writes nothing', async () => {
    const before = await count('addresses');
    const res = await t.post('/api/addresses', { ...address, detail: 'x'.repeat(t.config.bodyLimitBytes + 10) }, { token });
    expectProblem(res, 413, 'PAYLOAD_TOO_LARGE');
    expect(await count('addresses')).toBe(before);
  });

  it('rejects a non-JSON content type with 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const before = await count('addresses');
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
      const payload = type.includes('form') ? 'name=a&phone=13800138000' : JSON.stringify(address);
      const res = await t.request('POST', '/api/addresses', { payload, token, headers: { 'content-type': type } });
      expectProblem(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
    }
    expect(await count('addresses')).toBe(before);
  });

  it('accepts JSON with a charset and an empty body on a route without one', async () => {
    const created = await t.request('POST', '/api/addresses', { payload: JSON.stringify(address), token, headers: { 'content-type': 'application/json; charset=utf-8' } });
    expect(created.status).toBe(201);
    const del = await t.request('DELETE', `/api/addresses/${(created.body as { id: string }).id}`, { token, headers: { 'content-type': 'application/json' }, payload: '' });
    expect(del.status).toBe(200);
    expect(del.body).toEqual({ ok: true });
  });

  it('refuses a body on a route that takes none', async () => {
    const created = await t.post<{ id: string }>('/api/addresses', address, { token });
    const res = await t.request('DELETE', `/api/addresses/${created.body.id}`, { token, body: { force: true } });
    expectProblem(res, 400, 'VALIDATION_FAILED');
    expect((await t.get<{ items: unknown[] }>('/api/addresses', { token })).body.items).toHaveLength(1);
    await t.del(`/api/addresses/${created.body.id}`, { token });
  });

  it('requires a valid session on user routes: 401 UNAUTHORIZED', async () => {
    expectProblem(await t.get('/api/me'), 401, 'UNAUTHORIZED');
    expectProblem(await t.get('/api/me', { token: 'v1.garbage.sig' }), 401, 'UNAUTHORIZED');
    expectProblem(await t.get('/api/me', { headers: { authorization: `Basic ${token}` } }), 401, 'UNAUTHORIZED');
    const tampered = token.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    expectProblem(await t.get('/api/me', { token: tampered }), 401, 'UNAUTHORIZED');
    expect((await t.get('/api/me', { token })).status).toBe(200);
  });

  it('echoes a sane x-request-id and generates one otherwise', async () => {
    const mine = await t.get('/healthz', { headers: { 'x-request-id': 'trace-123' } });
    expect(mine.headers['x-request-id']).toBe('trace-123');
    const generated = await t.get('/healthz', { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const problem = await t.get('/api/nope', { headers: { 'x-request-id': 'trace-456' } });
    expect((problem.body as { requestId: string }).requestId).toBe('trace-456');
  });

  it('answers CORS preflights (any origin in sandbox mode)', async () => {
    const res = await t.request('OPTIONS', '/api/cart/items', {
      headers: { origin: 'http://127.0.0.1:10086', 'access-control-request-method': 'POST', 'access-control-request-headers': 'idempotency-key' },
    });
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('http://127.0.0.1:10086');
    expect(res.headers['access-control-allow-headers']).toMatch(/idempotency-key/);
  });
});

describe('idempotency keys', () => {
  it('replays the first response for a repeat with the same key and body', async () => {
    const key = 'addr-create-1';
    const first = await t.post<{ id: string }>('/api/addresses', address, { token, idempotencyKey: key });
    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const again = await t.post<{ id: string }>('/api/addresses', { ...address }, { token, idempotencyKey: key });
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    const list = await t.get<{ items: { id: string }[] }>('/api/addresses', { token });
    expect(list.body.items.filter((a) => a.id === first.body.id)).toHaveLength(1);
    await t.del(`/api/addresses/${first.body.id}`, { token });
  });

  it('refuses the same key with a different body: 422 IDEMPOTENCY_KEY_REUSED', async () => {
    const key = 'addr-create-2';
    const first = await t.post<{ id: string }>('/api/addresses', address, { token, idempotencyKey: key });
    expect(first.status).toBe(201);
    const before = await count('addresses');
    expectProblem(await t.post('/api/addresses', { ...address, name: '李四' }, { token, idempotencyKey: key }), 422, 'IDEMPOTENCY_KEY_REUSED');
    expect(await count('addresses')).toBe(before);
    await t.del(`/api/addresses/${first.body.id}`, { token });
  });

  it('scopes keys per user: another user may use the same key', async () => {
    const other = await t.login();
    const key = 'shared-key';
    const a = await t.post<{ id: string }>('/api/addresses', address, { token, idempotencyKey: key });
    const b = await t.post<{ id: string }>('/api/addresses', address, { token: other, idempotencyKey: key });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.body.id).not.toBe(a.body.id);
    await t.del(`/api/addresses/${a.body.id}`, { token });
  });

  it('runs concurrent duplicates once and gives every caller the same answer', async () => {
    const user = await t.login();
    const key = 'concurrent-1';
    const results = await Promise.all(
      Array.from({ length: 8 }, () => t.post<{ id: string }>('/api/addresses', address, { token: user, idempotencyKey: key })),
    );
    for (const r of results) expect(r.status).toBe(201);
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    expect(results.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(7);
    const list = await t.get<{ items: unknown[] }>('/api/addresses', { token: user });
    expect(list.body.items).toHaveLength(1);
  });

  it('stores 4xx answers too, and replays them', async () => {
    const key = 'missing-addr';
    const first = await t.patch('/api/addresses/adr_missing', { name: '王五' }, { token, idempotencyKey: key });
    expectProblem(first, 404, 'NOT_FOUND');
    const again = await t.patch('/api/addresses/adr_missing', { name: '王五' }, { token, idempotencyKey: key });
    expectProblem(again, 404, 'NOT_FOUND');
    expect(again.headers['idempotent-replayed']).toBe('true');
  });

  it('does not store a request that failed validation', async () => {
    const before = await count('idempotency_keys');
    expectProblem(await t.post('/api/addresses', { ...address, phone: '123' }, { token, idempotencyKey: 'invalid-1' }), 400, 'VALIDATION_FAILED');
    expect(await count('idempotency_keys')).toBe(before);
  });

  it('requires a key where the route says so, and checks its format', async () => {
    const res = await t.post('/api/orders', { items: [{ skuId: 'sku_0001_01', quantity: 1 }], fulfilment: { type: 'pickup', contactName: '张三', contactPhone: '13800138000' } }, { token });
    expectProblem(res, 400, 'IDEMPOTENCY_KEY_REQUIRED');
    const bad = await t.post('/api/addresses', address, { token, headers: { 'idempotency-key': 'has space' } });
    expectProblem(bad, 400, 'VALIDATION_FAILED');
    const long = await t.post('/api/addresses', address, { token, headers: { 'idempotency-key': 'k'.repeat(129) } });
    expectProblem(long, 400, 'VALIDATION_FAILED');
  });
});
