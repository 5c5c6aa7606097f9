import { auditPage } from '../../../contract/merchant';
import { transact } from '../../db/transaction';
import { testApp, uniquePhone, type TestApp } from '../../test/app';
import { recordAudit } from './audit';
import { addStaff, makeMerchant } from './testing';

/**
 * The audit log: staff changes are recorded with who, what and when, in the change's
 * transaction; the owner reads them newest first, page by page; other merchants' entries are
 * never shown.
 */
let t: TestApp;
const A = 'm_audit_a';
const B = 'm_audit_b';
let owner: { token: string; userId: string; phone: string };

interface Entry {
  id: string;
  actorId: string | null;
  actorName: string | null;
  action: string;
  target: string | null;
  detail: Record<string, unknown>;
  at: number;
}
type Page = { items: Entry[]; nextCursor: string | null };

async function person(phone = uniquePhone()) {
  const token = await t.login(phone);
  return { token, userId: (await t.get<{ id: string }>('/api/me', { token })).body.id, phone };
}

async function everything(merchantId: string, token: string, limit: number): Promise<Entry[]> {
  const out: Entry[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 100; pages++) {
    const query: string = cursor ? `?limit=${limit}&cursor=${cursor}` : `?limit=${limit}`;
    const res = await t.get<Page>(`/api/merchants/${merchantId}/audit${query}`, { token });
    expect(res.status).toBe(200);
    expect(() => auditPage.parse(res.body)).not.toThrow();
    expect(res.body.items.length).toBeLessThanOrEqual(limit);
    out.push(...res.body.items);
    cursor = res.body.nextCursor;
    if (!cursor) return out;
  }
  throw new Error('the pages never ended');
}

beforeAll(async () => {
  t = await testApp({ seed: false });
  await makeMerchant(t.db, A);
  await makeMerchant(t.db, B);
  owner = await person();
  await addStaff(t.db, A, owner.userId, 'owner', owner.phone);
});
afterAll(async () => {
  await t.close();
});

it('records the invite, the join at first login, the role change and the removal, with who, what and when', async () => {
  const phone = uniquePhone();
  const started = Date.now();
  const invited = await t.post<{ id: string }>(`/api/merchants/${A}/staff`, { phone, role: 'operator' }, { token: owner.token });
  const newcomer = await person(phone);
  await t.patch(`/api/merchants/${A}/staff/${invited.body.id}`, { role: 'kitchen' }, { token: owner.token });
  await t.del(`/api/merchants/${A}/staff/${invited.body.id}`, { token: owner.token });
  // A refused change records nothing.
  expect((await t.post(`/api/merchants/${A}/staff`, { phone: owner.phone, role: 'operator' }, { token: owner.token })).status).toBe(409);

  const entries = (await t.get<Page>(`/api/merchants/${A}/audit`, { token: owner.token })).body.items.filter((e) => e.target === `staff:${invited.body.id}`);
  const ownerName = `用户${owner.phone.slice(-4)}`;
  expect(entries.map(({ actorId, actorName, action, detail }) => ({ actorId, actorName, action, detail }))).toEqual([
    { actorId: owner.userId, actorName: ownerName, action: 'staff.removed', detail: { role: 'kitchen', phone, userId: newcomer.userId, status: 'active' } },
    { actorId: owner.userId, actorName: ownerName, action: 'staff.role_changed', detail: { from: 'operator', to: 'kitchen', userId: newcomer.userId } },
    { actorId: newcomer.userId, actorName: `用户${phone.slice(-4)}`, action: 'staff.joined', detail: { role: 'operator', via: 'phone', phone } },
    { actorId: owner.userId, actorName: ownerName, action: 'staff.invited', detail: { phone, role: 'operator', bound: false, codeExpiresAt: expect.any(Number) } },
  ]);
  for (const e of entries) expect(e.at).toBeGreaterThanOrEqual(started);
});

it('pages newest first with a cursor; every entry once; a bad cursor is 400', async () => {
  for (let i = 0; i < 7; i++) await t.post(`/api/merchants/${A}/staff`, { phone: uniquePhone(), role: 'live_host' }, { token: owner.token });
  const all = await everything(A, owner.token, 50);
  expect(all.length).toBeGreaterThanOrEqual(11);
  const paged = await everything(A, owner.token, 3);
  expect(paged.map((e) => e.id)).toEqual(all.map((e) => e.id));
  expect(new Set(all.map((e) => e.id)).size).toBe(all.length);
  for (let i = 1; i < all.length; i++) {
    const [newer, older] = [all[i - 1], all[i]];
    expect(newer.at > older.at || (newer.at === older.at && newer.id > older.id)).toBe(true);
  }
  for (const cursor of ['nope', Buffer.from(JSON.stringify([1.5, 'aud_x'])).toString('base64url'), Buffer.from('[1,"a b"]').toString('base64url')]) {
    const res = await t.get<{ code: string; errors: { path: string }[] }>(`/api/merchants/${A}/audit?cursor=${cursor}`, { token: owner.token });
    expect([res.status, res.body.code, res.body.errors[0]?.path]).toEqual([400, 'VALIDATION_FAILED', 'query.cursor']);
  }
});

it("shows an owner only their merchant's entries", async () => {
  const ownerB = await person();
  await addStaff(t.db, B, ownerB.userId, 'owner', ownerB.phone);
  await t.post(`/api/merchants/${B}/staff`, { phone: uniquePhone(), role: 'operator' }, { token: ownerB.token });
  const inB = await everything(B, ownerB.token, 50);
  expect(inB.map((e) => e.action)).toEqual(['staff.invited']);
  const inA = await everything(A, owner.token, 50);
  expect(inA.some((e) => e.id === inB[0].id)).toBe(false);
  expect((await t.get(`/api/merchants/${A}/audit`, { token: ownerB.token })).status).toBe(404);
});

it('recordAudit writes with the transaction it is given, and refuses to run outside one', async () => {
  await expect(recordAudit(t.db, { merchantId: A, actorId: null, action: 'staff.owner_assigned' })).rejects.toThrow(/inside the transaction/);
  const before = await everything(A, owner.token, 50);
  await expect(
    transact(t.db, async (trx) => {
      await recordAudit(trx, { merchantId: A, actorId: owner.userId, action: 'staff.role_changed', target: 'staff:stf_rolled_back' });
      throw new Error('the change failed');
    }),
  ).rejects.toThrow('the change failed');
  expect(await everything(A, owner.token, 50)).toEqual(before);
  const id = await transact(t.db, (trx) => recordAudit(trx, { merchantId: A, actorId: null, action: 'staff.owner_assigned', target: null, detail: { by: 'a job' } }));
  const [newest] = await everything(A, owner.token, 1);
  expect(newest).toMatchObject({ id, actorId: null, actorName: null, action: 'staff.owner_assigned', target: null, detail: { by: 'a job' } });
});
