import { productDetail, productPage, homeView, searchWords } from '../../../contract/catalog';
import { AppError } from '../../infra/errors';
import { testApp, type TestApp } from '../../test/app';
import { loadSkus, releaseStock, reserveStock } from './service';

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(async () => {
  await t.close();
});

type Page = { items: { id: string; title: string; subtitle: string; priceFrom: number; sales: number; categoryId: string; merchantId: string }[]; nextCursor: string | null };

async function allPages(query: string, limit = 7): Promise<Page['items']> {
  const items: Page['items'] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 100; i++) {
    const url: string = `/api/products?${query}${query ? '&' : ''}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const res = await t.get<Page>(url);
    expect(res.status).toBe(200);
    expect(productPage.safeParse(res.body).success).toBe(true);
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
    if (!cursor) return items;
  }
  throw new Error('pagination did not end');
}

describe('catalog browsing', () => {
  it('serves the home page: banners and 8 categories', async () => {
    const res = await t.get('/api/home');
    expect(res.status).toBe(200);
    const home = homeView.parse(res.body);
    expect(home.banners.length).toBeGreaterThanOrEqual(3);
    expect(home.categories).toHaveLength(8);
    const cats = await t.get<{ items: unknown[] }>('/api/categories');
    expect(cats.body.items).toEqual(home.categories);
  });

  it('pages through every on-shelf product exactly once in each sort order', async () => {
    const onShelf = await t.db.selectFrom('products').select('id').where('on_shelf', '=', 1).execute();
    for (const sort of ['default', 'sales', 'price_asc', 'price_desc']) {
      const items = await allPages(`sort=${sort}`);
      expect(items.map((i) => i.id).sort()).toEqual(onShelf.map((p) => p.id).sort());
      for (let i = 1; i < items.length; i++) {
        const [a, b] = [items[i - 1], items[i]];
        if (sort === 'price_asc') expect(a.priceFrom <= b.priceFrom).toBe(true);
        if (sort === 'price_desc') expect(a.priceFrom >= b.priceFrom).toBe(true);
        if (sort === 'sales') expect(a.sales >= b.sales).toBe(true);
        // Ties are broken by id, so equal keys come in id order.
        if ((sort.startsWith('price') && a.priceFrom === b.priceFrom) || (sort === 'sales' && a.sales === b.sales)) {
          expect(a.id < b.id).toBe(true);
        }
      }
    }
  });

  it('keeps pagination stable under many equal sort keys', async () => {
    // Give every product the same sales: order is decided by id alone.
    await t.db.updateTable('products').set({ sales: 7 }).execute();
    const items = await allPages('sort=sales', 5);
    const ids = items.map((i) => i.id);
    expect(ids).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('never lists off-shelf products but shows them by id with onShelf false', async () => {
    const items = await allPages('');
    expect(items.find((i) => i.id === 'p_0016')).toBeUndefined();
    const res = await t.get('/api/products/p_0016');
    expect(res.status).toBe(200);
    expect(productDetail.parse(res.body).onShelf).toBe(false);
  });

  it('searches title and subtitle by keyword, case-insensitively', async () => {
    const byTitle = await allPages(`q=${encodeURIComponent('连衣裙')}`);
    expect(byTitle.map((i) => i.title)).toEqual(['法式碎花连衣裙']);
    const bySubtitle = await allPages(`q=${encodeURIComponent('长绒棉')}`);
    expect(bySubtitle.length).toBeGreaterThanOrEqual(2);
    for (const i of bySubtitle) expect(`${i.title}${i.subtitle}`).toContain('长绒棉');
    const lower = await allPages('q=usb-c');
    const upper = await allPages('q=USB-C');
    expect(lower.map((i) => i.id)).toEqual(upper.map((i) => i.id));
    expect(lower.map((i) => i.title)).toEqual(['USB-C 扩展坞']);
    const pro = await allPages('q=pRo');
    expect(pro.map((i) => i.title)).toContain('降噪蓝牙耳机 Pro');
  });

  it('treats % and _ in a keyword literally and trims it', async () => {
    // "%" matches only products whose text really contains a percent sign ("90%白鸭绒").
    const percent = await allPages(`q=${encodeURIComponent('%')}`);
    expect(percent.map((i) => i.title)).toEqual(['轻薄羽绒服']);
    expect(await allPages(`q=${encodeURIComponent('90%白')}`)).toHaveLength(1);
    expect(await allPages(`q=${encodeURIComponent('9_%')}`)).toEqual([]);
    expect(await allPages('q=_')).toEqual([]);
    expect((await allPages(`q=${encodeURIComponent('  连衣裙  ')}`)).length).toBe(1);
    expect(await allPages('q=nothing-matches-this')).toEqual([]);
  });

  it('filters by category and merchant, combined with sorting and search', async () => {
    const cat = await allPages('categoryId=cat_04&sort=price_asc');
    expect(cat.length).toBe(8);
    for (const i of cat) expect(i.categoryId).toBe('cat_04');
    const merchant = await allPages('merchantId=m_04');
    expect(merchant.length).toBe(8);
    for (const i of merchant) expect(i.merchantId).toBe('m_04');
    expect(await allPages('categoryId=cat_99')).toEqual([]);
    const combined = await allPages(`categoryId=cat_01&q=${encodeURIComponent('裤')}`);
    expect(combined.map((i) => i.title)).toEqual(['高腰阔腿牛仔裤']);
  });

  it('rejects bad list queries with 400', async () => {
    for (const q of ['sort=cheapest', 'limit=0', 'limit=51', 'limit=abc', 'cursor=@@@', `q=${'x'.repeat(51)}`, 'categoryId=bad%20id']) {
      const res = await t.get(`/api/products?${q}`);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED' });
    }
    // A cursor from one sort order is not valid in another.
    const page = await t.get<Page>('/api/products?sort=price_asc&limit=2');
    const res = await t.get(`/api/products?sort=sales&cursor=${page.body.nextCursor}`);
    expect(res.status).toBe(400);
  });

  it('returns product detail with specs and every SKU combination', async () => {
    const res = await t.get('/api/products/p_0001');
    expect(res.status).toBe(200);
    const p = productDetail.parse(res.body);
    expect(p.specs.map((s) => s.name)).toEqual(['颜色', '尺码']);
    expect(p.skus).toHaveLength(p.specs[0].values.length * p.specs[1].values.length);
    for (const sku of p.skus) {
      expect(sku.specValues).toHaveLength(2);
      expect(Number.isInteger(sku.price)).toBe(true);
    }
    expect(p.priceFrom).toBe(Math.min(...p.skus.map((s) => s.price)));
    expect(p.stock).toBe(p.skus.reduce((s, k) => s + k.stock, 0));
    expect(p.images.length).toBeGreaterThanOrEqual(1);
    expect(p.onShelf).toBe(true);
  });

  it('pairs the list price with the original price of the same SKU, or none', async () => {
    // 平板电脑 Air: its cheapest SKU sells at ¥369 with an original price of ¥480; the most
    // expensive SKU's original price (¥2040) must not stand beside ¥369.
    const [found] = await allPages(`q=${encodeURIComponent('平板电脑')}`);
    const tablet = productDetail.parse((await t.get(`/api/products/${found.id}`)).body);
    expect(tablet.title).toBe('平板电脑 Air');
    const cheapest = tablet.skus.filter((s) => s.price === tablet.priceFrom);
    expect(tablet.originalPrice).toBe(Math.min(...cheapest.map((s) => s.originalPrice ?? Infinity)));
    const listed = (await allPages(`q=${encodeURIComponent('平板电脑')}`)) as (Page['items'][number] & { originalPrice: number | null })[];
    expect(listed.map((i) => [i.id, i.priceFrom, i.originalPrice])).toEqual([[tablet.id, tablet.priceFrom, tablet.originalPrice]]);

    // Every listed product: no original price, or one of a SKU selling at the shown price and above it.
    const items = (await allPages('', 50)) as (Page['items'][number] & { originalPrice: number | null })[];
    const skus = await t.db.selectFrom('skus').select(['product_id', 'price', 'original_price']).execute();
    for (const item of items) {
      if (item.originalPrice === null) continue;
      expect(item.originalPrice).toBeGreaterThan(item.priceFrom);
      const same = skus.filter((s) => s.product_id === item.id && Number(s.price) === item.priceFrom);
      expect(same.map((s) => Number(s.original_price))).toContain(item.originalPrice);
    }

    // The cheapest SKU has no original price while a dearer one has: no comparison at all.
    await t.db.updateTable('skus').set({ original_price: null }).where('product_id', '=', tablet.id).where('price', '=', tablet.priceFrom).execute();
    await t.db.updateTable('skus').set({ original_price: 999_900 }).where('product_id', '=', tablet.id).where('price', '>', tablet.priceFrom).execute();
    expect(productDetail.parse((await t.get(`/api/products/${tablet.id}`)).body).originalPrice).toBeNull();
    const [again] = (await allPages(`q=${encodeURIComponent('平板电脑')}`)) as (Page['items'][number] & { originalPrice: number | null })[];
    expect(again.originalPrice).toBeNull();
  });

  it('answers 404 NOT_FOUND for a product that does not exist', async () => {
    const res = await t.get('/api/products/p_9999');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('serves the generated images as SVG with cache headers, 404 otherwise', async () => {
    const home = homeView.parse((await t.get('/api/home')).body);
    const detail = productDetail.parse((await t.get('/api/products/p_0002')).body);
    for (const path of [home.banners[0].image, home.categories[0].icon, ...detail.images]) {
      const res = await fetch(`${t.baseUrl}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
      expect(res.headers.get('cache-control')).toMatch(/max-age=\d+/);
      const svg = await res.text();
      expect(svg).toMatch(/^<svg /);
    }
    const svg = await (await fetch(`${t.baseUrl}${detail.cover}`)).text();
    expect(svg).toContain(detail.title);
    const etag = (await fetch(`${t.baseUrl}${detail.cover}`)).headers.get('etag') ?? '';
    expect((await fetch(`${t.baseUrl}${detail.cover}`, { headers: { 'if-none-match': etag } })).status).toBe(304);
    for (const bad of ['/images/nope.svg', '/images/p_0001-1.png', '/images/..%2Fsecret.svg']) {
      const res = await fetch(`${t.baseUrl}${bad}`);
      expect(res.status).toBe(404);
    }
  });
});

describe('catalog service for other modules', () => {
  it('loads SKU snapshots', async () => {
    const map = await loadSkus(t.db, ['sku_0001_01', 'sku_0016_01', 'sku_nope', 'sku_0001_01']);
    expect([...map.keys()].sort()).toEqual(['sku_0001_01', 'sku_0016_01']);
    const s = map.get('sku_0001_01');
    expect(s).toMatchObject({ skuId: 'sku_0001_01', productId: 'p_0001', merchantId: 'm_01', merchantName: '潮流服饰旗舰店', title: '法式碎花连衣裙', onShelf: true });
    expect(s?.specText).toMatch(/^\S+ \/ S$/);
    expect(map.get('sku_0016_01')?.onShelf).toBe(false);
    expect((await loadSkus(t.db, [])).size).toBe(0);
  });

  const stockOf = async (id: string) => Number((await t.db.selectFrom('skus').select('stock').where('id', '=', id).executeTakeFirstOrThrow()).stock);
  const salesOf = async (table: 'skus' | 'products', id: string) => Number((await t.db.selectFrom(table).select('sales').where('id', '=', id).executeTakeFirstOrThrow()).sales);

  it('reserves and releases stock, counting sales', async () => {
    await t.db.updateTable('skus').set({ stock: 10 }).where('id', 'in', ['sku_0002_01', 'sku_0002_02']).execute();
    const sales = await salesOf('products', 'p_0002');
    await t.db.transaction().execute((trx) => reserveStock(trx, [{ skuId: 'sku_0002_02', quantity: 3 }, { skuId: 'sku_0002_01', quantity: 2 }, { skuId: 'sku_0002_01', quantity: 1 }]));
    expect(await stockOf('sku_0002_01')).toBe(7);
    expect(await stockOf('sku_0002_02')).toBe(7);
    expect(await salesOf('products', 'p_0002')).toBe(sales + 6);
    await t.db.transaction().execute((trx) => releaseStock(trx, [{ skuId: 'sku_0002_01', quantity: 3 }, { skuId: 'sku_0002_02', quantity: 3 }]));
    expect(await stockOf('sku_0002_01')).toBe(10);
    expect(await salesOf('products', 'p_0002')).toBe(sales);
  });

  it('throws OUT_OF_STOCK with the sku id and leaves everything as it was', async () => {
    await t.db.updateTable('skus').set({ stock: 5 }).where('id', 'in', ['sku_0003_01', 'sku_0003_02']).execute();
    const err = await t.db
      .transaction()
      .execute((trx) => reserveStock(trx, [{ skuId: 'sku_0003_01', quantity: 2 }, { skuId: 'sku_0003_02', quantity: 6 }]))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'OUT_OF_STOCK', extra: { skuId: 'sku_0003_02' } });
    expect(await stockOf('sku_0003_01')).toBe(5);
    expect(await stockOf('sku_0003_02')).toBe(5);
    const missing = await t.db.transaction().execute((trx) => reserveStock(trx, [{ skuId: 'sku_nope', quantity: 1 }])).catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: 'OUT_OF_STOCK' });
    await expect(t.db.transaction().execute((trx) => reserveStock(trx, [{ skuId: 'sku_0003_01', quantity: 0 }]))).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('never oversells under concurrent reservations', async () => {
    await t.db.updateTable('skus').set({ stock: 5 }).where('id', '=', 'sku_0004_01').execute();
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => t.db.transaction().execute((trx) => reserveStock(trx, [{ skuId: 'sku_0004_01', quantity: 1 }]))),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'OUT_OF_STOCK' });
    expect(await stockOf('sku_0004_01')).toBe(0);
  });
});

describe('search suggestions and hot searches', () => {
  it('suggests categories and on-shelf product titles containing the text, those starting with it first', async () => {
    const [product] = await t.db.selectFrom('products').select(['title', 'category_id']).where('on_shelf', '=', 1).orderBy('sales', 'desc').limit(1).execute();
    const text = Array.from(product.title).slice(0, 2).join('');
    const res = await t.get<{ items: string[] }>(`/api/search/suggest?q=${encodeURIComponent(text)}`);
    expect(res.status).toBe(200);
    const { items } = searchWords.parse(res.body);
    expect(items).toContain(product.title);
    expect(items.length).toBeLessThanOrEqual(10);
    expect(new Set(items).size).toBe(items.length);
    items.forEach((w) => expect(w.toLowerCase()).toContain(text.toLowerCase()));
    const firstOther = items.findIndex((w) => !w.startsWith(text));
    if (firstOther >= 0) items.slice(firstOther).forEach((w) => expect(w.startsWith(text)).toBe(false));

    const category = await t.db.selectFrom('categories').select('name').orderBy('sort').executeTakeFirstOrThrow();
    const byCategory = await t.get<{ items: string[] }>(`/api/search/suggest?q=${encodeURIComponent(category.name)}`);
    expect(byCategory.body.items[0]).toBe(category.name);
  });

  it('never suggests an off-shelf product; wildcards are literal; blank or long text is a 400', async () => {
    const off = await t.db.selectFrom('products').select(['id', 'title']).where('on_shelf', '=', 1).orderBy('id').executeTakeFirstOrThrow();
    await t.db.updateTable('products').set({ on_shelf: 0 }).where('id', '=', off.id).execute();
    try {
      const res = await t.get<{ items: string[] }>(`/api/search/suggest?q=${encodeURIComponent(off.title)}`);
      expect(res.body.items).not.toContain(off.title);
      const hot = await t.get<{ items: string[] }>('/api/search/hot');
      expect(hot.body.items).not.toContain(off.title);
    } finally {
      await t.db.updateTable('products').set({ on_shelf: 1 }).where('id', '=', off.id).execute();
    }
    expect((await t.get<{ items: string[] }>('/api/search/suggest?q=%25')).body.items).toEqual([]);
    expect((await t.get<{ items: string[] }>('/api/search/suggest?q=_')).body.items).toEqual([]);
    expect((await t.get('/api/search/suggest?q=%20%20')).status).toBe(400);
    expect((await t.get('/api/search/suggest')).status).toBe(400);
    expect((await t.get(`/api/search/suggest?q=${'长'.repeat(51)}`)).status).toBe(400);
  });

  it('hot searches are the best sellers on the shelf, at most 8', async () => {
    const res = await t.get<{ items: string[] }>('/api/search/hot');
    expect(res.status).toBe(200);
    const best = await t.db.selectFrom('products').select('title').where('on_shelf', '=', 1).orderBy('sales', 'desc').orderBy('id').limit(8).execute();
    expect(res.body.items).toEqual([...new Set(best.map((b) => b.title))].slice(0, 8));
  });
});
