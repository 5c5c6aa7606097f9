import { buildDemoShop, seedIfEmpty } from '.';
import { testDb, type TestDb } from '../test/db';
import { imageSvg } from './images';

let tdb: TestDb;
beforeAll(async () => {
  tdb = await testDb();
});
afterAll(async () => {
  await tdb.destroy();
});

const count = async (table: 'merchants' | 'categories' | 'products' | 'skus' | 'banners') =>
  Number((await tdb.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

describe('demo shop', () => {
  it('is deterministic', () => {
    expect(buildDemoShop()).toEqual(buildDemoShop());
  });

  it('has the promised variety', () => {
    const shop = buildDemoShop();
    expect(shop.merchants.length).toBeGreaterThanOrEqual(3);
    expect(shop.categories).toHaveLength(8);
    expect(shop.products.length).toBeGreaterThanOrEqual(60);
    expect(shop.banners.length).toBeGreaterThanOrEqual(3);
    expect(new Set(shop.products.map((p) => p.title)).size).toBe(shop.products.length);
    const skus = shop.products.flatMap((p) => p.skus);
    expect(skus.some((s) => s.stock === 0)).toBe(true);
    expect(shop.products.some((p) => !p.onShelf)).toBe(true);
    expect(shop.products.some((p) => p.skus.every((s) => s.stock === 0))).toBe(true);
    expect(shop.products.some((p) => p.specs.length === 2)).toBe(true);
    expect(new Set(skus.map((s) => s.price)).size).toBeGreaterThan(30);
    for (const p of shop.products) {
      // One SKU per spec combination, each with one value per spec.
      expect(p.skus).toHaveLength(p.specs.reduce((n, s) => n * s.values.length, 1));
      for (const s of p.skus) {
        expect(s.specValues).toHaveLength(p.specs.length);
        expect(Number.isSafeInteger(s.price) && s.price > 0).toBe(true);
        if (s.originalPrice !== null) expect(s.originalPrice).toBeGreaterThan(s.price);
      }
      expect(p.priceFrom).toBe(Math.min(...p.skus.map((s) => s.price)));
      // The product's original price is its cheapest SKU's, never another SKU's.
      expect(p.originalPrice).toBe(p.skus.find((s) => s.price === p.priceFrom)?.originalPrice);
      for (const img of p.images) expect(imageSvg(img.replace('/images/', ''))).toContain(p.title);
    }
  });

  it('seeds an empty database once; a second run changes nothing', async () => {
    const first = await seedIfEmpty(tdb.db);
    expect(first).toMatchObject({ categories: 8 });
    expect(first?.products).toBeGreaterThanOrEqual(60);
    const before = { products: await count('products'), skus: await count('skus') };
    expect(await seedIfEmpty(tdb.db)).toBeNull();
    expect({ products: await count('products'), skus: await count('skus') }).toEqual(before);
    expect(await count('merchants')).toBe(first?.merchants);
    expect(await count('banners')).toBe(first?.banners);
  });

  it('seeds safely when two starts race', async () => {
    const other = await testDb();
    try {
      const results = await Promise.all([seedIfEmpty(other.db), seedIfEmpty(other.db)]);
      expect(results.filter((r) => r !== null).length).toBeGreaterThanOrEqual(1);
      const n = Number((await other.db.selectFrom('products').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
      expect(n).toBe(buildDemoShop().products.length);
    } finally {
      await other.destroy();
    }
  });
});
