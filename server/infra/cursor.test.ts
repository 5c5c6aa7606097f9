import { testApp, type TestApp } from '../test/app';

/**
 * Crafted list cursors (valid base64url around JSON the server never hands out) answer 400
 * VALIDATION_FAILED on query.cursor on both databases, never a 500; the cursors the server
 * does hand out keep working.
 */
let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(async () => {
  await t.close();
});

const b64 = (json: string) => Buffer.from(json, 'utf8').toString('base64url');

async function expectRefused(url: string, token?: string) {
  const res = await t.get<{ code: string; errors: { path: string }[] }>(url, { token });
  expect({ url, status: res.status }).toEqual({ url, status: 400 });
  expect(res.body.code).toBe('VALIDATION_FAILED');
  expect(res.body.errors.map((e) => e.path)).toEqual(['query.cursor']);
}

/** Sort keys that are not safe non-negative integers (2^53+1 parses as 2^53). */
const BAD_KEYS = ['1.5', '1e20', '9007199254740993', '-1', '"5"', 'null', 'true', '[]', '1e400'];

describe('product list cursors', () => {
  for (const sort of ['default', 'sales', 'price_asc', 'price_desc']) {
    it(`sort=${sort}: a crafted sort key or id is refused`, async () => {
      for (const key of BAD_KEYS) await expectRefused(`/api/products?sort=${sort}&cursor=${b64(`["${sort}",${key},"p_0001"]`)}`);
      for (const id of ['"p_\\u0000"', '"p_\\ud800"', '""', `"${'x'.repeat(65)}"`, '1', 'null', '"p 1"']) {
        await expectRefused(`/api/products?sort=${sort}&cursor=${b64(`["${sort}",3,${id}]`)}`);
      }
    });
  }

  it('an unknown sort key, another sort, a wrong shape or no JSON at all is refused', async () => {
    for (const json of ['["cheapest",1,"p_0001"]', '["sales",1,"p_0001"]', '["default",1]', '["default",1,"p_0001",4]', '{"s":"default","v":1,"id":"p_1"}', '"x"', 'nope']) {
      await expectRefused(`/api/products?cursor=${b64(json)}`);
    }
  });

  it('the cursors the server hands out still page through everything', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/products?sort=price_desc&limit=7${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await t.get<{ items: { id: string }[]; nextCursor: string | null }>(url);
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((i) => i.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    const onShelf = await t.db.selectFrom('products').select((eb) => eb.fn.countAll<number>().as('n')).where('on_shelf', '=', 1).executeTakeFirstOrThrow();
    expect(seen.length).toBe(Number(onShelf.n));
  });
});

describe('order list cursors', () => {
  it('a crafted time or id is refused', async () => {
    const token = await t.login();
    for (const key of BAD_KEYS) await expectRefused(`/api/orders?cursor=${b64(`[${key},"o_1"]`)}`, token);
    for (const id of ['"o_\\u0000"', '"o_\\ud800"', '""', '7']) await expectRefused(`/api/orders?cursor=${b64(`[1700000000000,${id}]`)}`, token);
    for (const json of ['[1700000000000]', '[1700000000000,"o_1",1]', '{}']) await expectRefused(`/api/orders?cursor=${b64(json)}`, token);
    const ok = await t.get<{ items: unknown[] }>(`/api/orders?cursor=${b64('[1700000000000,"o_1"]')}`, { token });
    expect(ok.status).toBe(200);
    expect(ok.body.items).toEqual([]);
  });
});
