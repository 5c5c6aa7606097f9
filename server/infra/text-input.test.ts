import { makeSku } from '../modules/order/testing';
import { testApp, type TestApp } from '../test/app';

/**
 * Free text through the real HTTP API, as raw JSON text: NUL, terminal escape sequences, C1
 * controls and lone surrogates (JSON "\ud800") are refused with 400 VALIDATION_FAILED naming
 * the field, and nothing is written; line breaks in a remark, and emoji, arrive intact.
 */
let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(async () => {
  await t.close();
});

/** Raw JSON escapes (what the bytes on the wire say), not characters of this file. */
const BAD: [string, string][] = [
  ['NUL', '\\u0000'],
  ['an ESC sequence', '\\u001b[31m'],
  ['C1 NEL', '\\u0085'],
  ['C1 CSI', '\\u009b2J'],
  ['a lone high surrogate', '\\ud800'],
  ['a lone low surrogate', '\\udc00'],
];
/**
 * The same as real bytes in the body. JSON itself forbids raw C0 controls inside a string
 * (MALFORMED_JSON); a raw C1 code point is valid JSON and meets the text schema.
 */
const BAD_RAW: [string, string][] = [
  ['a raw U+009B', '\u009b'],
  ['a raw U+0085', '\u0085'],
];
const RAW_C0 = ['\u0000', '\u001b]0;x\u0007'];

const addressJson = (name: string) =>
  `{"name":"王${name}五","phone":"13800138000","province":"上海市","city":"上海市","district":"浦东新区","detail":"世纪大道 1 号"}`;

async function send(method: string, url: string, payload: string, token: string, idempotencyKey?: string) {
  return t.request<{ code: string; errors: { path: string; message: string }[] }>(method, url, {
    payload,
    token,
    idempotencyKey,
    headers: { 'content-type': 'application/json' },
  });
}

function expectRefused(res: { status: number; body: { code: string; errors: { path: string; message: string }[] } }, path: string) {
  expect(res.status).toBe(400);
  expect(res.body.code).toBe('VALIDATION_FAILED');
  expect(res.body.errors.map((e) => e.path)).toContain(path);
}

describe('free text refuses control characters and lone surrogates', () => {
  it.each([...BAD, ...BAD_RAW])('an address name with %s: 400, nothing stored', async (_what, bad) => {
    const token = await t.login();
    const res = await send('POST', '/api/addresses', addressJson(bad), token);
    expectRefused(res, 'body.name');
    expect((await t.get<{ items: unknown[] }>('/api/addresses', { token })).body.items).toEqual([]);
  });

  it.each(RAW_C0)('an address name with the raw C0 bytes %j: 400 MALFORMED_JSON, nothing stored', async (bad) => {
    const token = await t.login();
    const res = await send('POST', '/api/addresses', addressJson(bad), token);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('MALFORMED_JSON');
    expect((await t.get<{ items: unknown[] }>('/api/addresses', { token })).body.items).toEqual([]);
  });

  it('a body that is not valid UTF-8 (a surrogate encoded as bytes, a stray byte): 400 MALFORMED_JSON, never stored as U+FFFD', async () => {
    const token = await t.login();
    for (const bytes of [[0xed, 0xa0, 0x80], [0xff], [0xc3]]) {
      const [before, after] = addressJson('|').split('|');
      const payload = Buffer.concat([Buffer.from(before, 'utf8'), Buffer.from(bytes), Buffer.from(after, 'utf8')]);
      const res = await t.request<{ code: string }>('POST', '/api/addresses', { payload, token, headers: { 'content-type': 'application/json' } });
      expect([res.status, res.body.code]).toEqual([400, 'MALFORMED_JSON']);
    }
    expect((await t.get<{ items: unknown[] }>('/api/addresses', { token })).body.items).toEqual([]);
  });

    it.each(BAD)('an address PATCH with %s in the detail: 400, the address unchanged', async (_what, bad) => {
    const token = await t.login();
    const created = await send('POST', '/api/addresses', addressJson(''), token);
    expect(created.status).toBe(201);
    const id = (created.body as unknown as { id: string }).id;
    const res = await send('PATCH', `/api/addresses/${id}`, `{"detail":"陆家嘴${bad}8 号"}`, token);
    expectRefused(res, 'body.detail');
    expect((await t.get<{ items: { detail: string }[] }>('/api/addresses', { token })).body.items[0].detail).toBe('世纪大道 1 号');
  });

  describe('orders', () => {
    let skuId: string;
    beforeAll(async () => {
      skuId = (await makeSku(t.db)).skuId;
    });
    const orderJson = (contactName: string, remark: string) =>
      `{"items":[{"skuId":"${skuId}","quantity":1}],"fulfilment":{"type":"pickup","contactName":"${contactName}","contactPhone":"13700137000"},"remark":"${remark}"}`;

    it.each([...BAD, ...BAD_RAW])('a remark with %s: 400, no order', async (_what, bad) => {
      const token = await t.login();
      const res = await send('POST', '/api/orders', orderJson('王五', `请${bad}尽快`), token, `k-${Math.random()}`);
      expectRefused(res, 'body.remark');
      expect((await t.get<{ items: unknown[] }>('/api/orders', { token })).body.items).toEqual([]);
    });

    it.each(BAD)('a pickup contact name with %s: 400, no order', async (_what, bad) => {
      const token = await t.login();
      const res = await send('POST', '/api/orders', orderJson(`王${bad}五`, ''), token, `k-${Math.random()}`);
      expectRefused(res, 'body.fulfilment.contactName');
      expect((await t.get<{ items: unknown[] }>('/api/orders', { token })).body.items).toEqual([]);
    });

    it('a remark keeps its line breaks, and emoji arrive intact', async () => {
      const token = await t.login();
      const res = await send('POST', '/api/orders', orderJson('王五\\ud83d\\ude00', '第一行\\r\\n第二行\\n😀'), token, `k-${Math.random()}`);
      expect(res.status).toBe(201);
      const child = (res.body as unknown as { children: { id: string }[] }).children[0];
      const order = await t.get<{ remark: string; fulfilment: { contactName: string } }>(`/api/orders/${child.id}`, { token });
      expect(order.body.remark).toBe('第一行\r\n第二行\n😀');
      expect(order.body.fulfilment.contactName).toBe('王五😀');
    });
  });

  describe('the search keyword', () => {
    it.each([
      ['NUL', '%00'],
      ['NUL inside a word', '%E8%8C%B6%00'],
      ['an ESC sequence', '%1B%5B31m'],
      ['C1 NEL', '%C2%85'],
      ['C1 CSI', '%C2%9B'],
    ])('with %s: 400, not every product', async (_what, q) => {
      const res = await t.get<{ code: string; errors: { path: string }[] }>(`/api/products?q=${q}`);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.errors.map((e) => e.path)).toEqual(['query.q']);
    });

    it('a keyword that matches nothing still finds nothing, and a real one finds its products', async () => {
      expect((await t.get<{ items: unknown[] }>(`/api/products?q=${encodeURIComponent('没有这种商品zzz')}`)).body.items).toEqual([]);
      const all = await t.get<{ items: { title: string }[] }>('/api/products?limit=50');
      const word = all.body.items[0].title.slice(0, 2);
      const found = await t.get<{ items: { title: string }[] }>(`/api/products?q=${encodeURIComponent(word)}&limit=50`);
      expect(found.status).toBe(200);
      expect(found.body.items.length).toBeGreaterThan(0);
      expect(found.body.items.length).toBeLessThan(all.body.items.length);
    });
  });
});
