import { existsSync } from 'node:fs';
import path from 'node:path';
import { testApp, type TestApp } from '../../test/app';
import { makeMerchant } from '../merchant/testing';
import { AFTER_SALE_JOBS } from './jobs';
import type { AfterSaleDeps } from './service';
import { newKey, paidOrder, shopper, type PaidOrder, type Shopper } from './testing';
import { pruneLooseUploads } from './uploads';

/**
 * Uploads never attached to an after-sale request are deleted after the grace period
 * (docs/aftersale.md, "Photos"), their files with them: in batches, idempotent, and never one a
 * request is attaching at the same moment (the request's attachment and the job's claim are
 * guarded updates of the same row, so exactly one of them wins).
 */
let t: TestApp;
let deps: AfterSaleDeps;
const M = 'm_up1';
const HOUR = 3_600_000;
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 1)]);

beforeAll(async () => {
  t = await testApp({ seed: false });
  deps = (t.app as unknown as { core: { afterSales: AfterSaleDeps } }).core.afterSales;
  await makeMerchant(t.db, M, '图片测试店');
});
afterAll(async () => {
  await t.close();
});

async function upload(s: Shopper): Promise<{ id: string; url: string; file: string }> {
  const res = await t.request<{ id: string; url: string }>('POST', '/api/uploads', { payload: PNG, token: s.token, headers: { 'content-type': 'image/png' } });
  if (res.status !== 201) throw new Error(`upload: ${res.status} ${res.text}`);
  return { ...res.body, file: path.join(deps.uploads.dir, res.body.url.replace('/uploads/', '')) };
}

/** Makes an upload as old as `hours` (as if it had been sent then). */
async function age(id: string, hours: number): Promise<void> {
  await t.db.updateTable('uploads').set({ created_at: Date.now() - hours * HOUR }).where('id', '=', id).execute();
}

const rowOf = (id: string) => t.db.selectFrom('uploads').select(['id', 'attached_at', 'pruning_at']).where('id', '=', id).executeTakeFirst();

function askWith(s: Shopper, order: PaidOrder['order'], photos: string[]) {
  return t.post<{ id: string; code?: string }>(
    '/api/after-sales',
    { orderId: order.id, kind: 'refund_only', reason: 'quality_issue', lines: [{ lineNo: 0, quantity: 1 }], photos },
    { token: s.token, idempotencyKey: newKey() },
  );
}

it('keeps a day of grace by default, and the job is declared with the module\'s jobs', () => {
  expect(t.config.uploadGraceHours).toBe(24);
  expect(deps.uploads.graceHours).toBe(24);
  expect(AFTER_SALE_JOBS.map((j) => j.name)).toContain('prune-loose-uploads');
});

it('deletes uploads never attached once the grace period is over, with their files; keeps attached and young ones; a second run finds nothing', async () => {
  const { shopper: s, order } = await paidOrder(t, { merchantId: M, items: [{ price: 1000, quantity: 5 }], shipped: true });
  const attached = await upload(s);
  const loose = await upload(s);
  const young = await upload(s);
  expect((await askWith(s, order, [attached.id])).status).toBe(201);
  expect((await rowOf(attached.id))?.attached_at).not.toBeNull();
  await age(attached.id, 30);
  await age(loose.id, 30);
  await age(young.id, 23);

  const job = AFTER_SALE_JOBS.find((j) => j.name === 'prune-loose-uploads');
  expect(await job?.run({ afterSales: deps }, Date.now())).toBe(1);
  expect(await rowOf(loose.id)).toBeUndefined();
  expect(existsSync(loose.file)).toBe(false);
  expect((await t.request('GET', loose.url)).status).toBe(404);
  for (const kept of [attached, young]) {
    expect(await rowOf(kept.id)).toBeDefined();
    expect(existsSync(kept.file)).toBe(true);
    expect((await t.request('GET', kept.url)).status).toBe(200);
  }
  // The request still shows its photo.
  expect(await pruneLooseUploads(t.db, deps.uploads, Date.now())).toBe(0);
  // Once the young one is past the grace too.
  expect(await pruneLooseUploads(t.db, deps.uploads, Date.now() + 2 * HOUR)).toBe(1);
  expect(existsSync(young.file)).toBe(false);
  expect(await rowOf(attached.id)).toBeDefined();
});

it('works in batches, and finishes what a run that stopped after its claim left (a crash): row and file go', async () => {
  const s = await shopper(t);
  const ups = [];
  for (let i = 0; i < 5; i++) ups.push(await upload(s));
  for (const u of ups) await age(u.id, 48);
  expect(await pruneLooseUploads(t.db, deps.uploads, Date.now(), { batchSize: 2, maxBatches: 1 })).toBe(2);
  expect(await pruneLooseUploads(t.db, deps.uploads, Date.now(), { batchSize: 2, maxBatches: 5 })).toBe(3);
  for (const u of ups) expect([await rowOf(u.id), existsSync(u.file)]).toEqual([undefined, false]);

  // A run claimed this one and stopped before deleting it.
  const claimed = await upload(s);
  await t.db.updateTable('uploads').set({ pruning_at: Date.now() }).where('id', '=', claimed.id).execute();
  expect(await pruneLooseUploads(t.db, deps.uploads, Date.now())).toBe(1);
  expect([await rowOf(claimed.id), existsSync(claimed.file)]).toEqual([undefined, false]);
});

it('a request cannot attach an upload the job has claimed (nothing of the request is written); one attached first is never claimed', async () => {
  const { shopper: s, order } = await paidOrder(t, { merchantId: M, items: [{ price: 1000, quantity: 5 }], shipped: true });
  const claimed = await upload(s);
  const fresh = await upload(s);
  await t.db.updateTable('uploads').set({ pruning_at: Date.now() }).where('id', '=', claimed.id).execute();
  const refused = await askWith(s, order, [fresh.id, claimed.id]);
  expect([refused.status, refused.body.code]).toEqual([400, 'AFTER_SALE_PHOTO_INVALID']);
  expect(await t.db.selectFrom('after_sales').select('id').where('order_id', '=', order.id).execute()).toEqual([]);
  expect((await rowOf(fresh.id))?.attached_at).toBeNull();

  const first = await upload(s);
  await age(first.id, 48);
  expect((await askWith(s, order, [first.id])).status).toBe(201);
  await pruneLooseUploads(t.db, deps.uploads, Date.now());
  expect((await rowOf(first.id))?.pruning_at).toBeNull();
  expect(existsSync(first.file)).toBe(true);
});

it('a request and the job at the same moment: each upload ends attached with its file, or gone with its request refused', async () => {
  const { shopper: s, order } = await paidOrder(t, { merchantId: M, items: [{ price: 1000, quantity: 12 }], shipped: true });
  const ups = [];
  for (let i = 0; i < 8; i++) ups.push(await upload(s));
  for (const u of ups) await age(u.id, 48);
  // Two runs of the job (as on two nodes) and a request for each upload, all at once.
  const [outcomes] = await Promise.all([
    Promise.all(ups.map(async (u) => ({ u, asked: await askWith(s, order, [u.id]) }))),
    pruneLooseUploads(t.db, deps.uploads, Date.now(), { batchSize: 2 }),
    pruneLooseUploads(t.db, deps.uploads, Date.now(), { batchSize: 2 }),
  ]);
  // Whatever the job did not reach in the race, it reaches now.
  await pruneLooseUploads(t.db, deps.uploads, Date.now());
  for (const { u, asked } of outcomes) {
    const row = await rowOf(u.id);
    if (asked.status === 201) {
      expect([row?.attached_at != null, row?.pruning_at, existsSync(u.file)]).toEqual([true, null, true]);
    } else {
      expect([asked.status, asked.body.code, row, existsSync(u.file)]).toEqual([400, 'AFTER_SALE_PHOTO_INVALID', undefined, false]);
    }
  }
  const requests = await t.db.selectFrom('after_sales').select(['id', 'photos']).where('order_id', '=', order.id).execute();
  expect(requests).toHaveLength(outcomes.filter((o) => o.asked.status === 201).length);
});
