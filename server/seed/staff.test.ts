import { testApp, type TestApp } from '../test/app';
import { buildDemoShop } from './data';
import { DEMO_OWNER_NICKNAME, DEMO_OWNER_PHONE, seedDemoStaff } from './staff';

/** The demo shop's owner: one phone number that opens the workbench of every demo merchant. */
let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(async () => {
  await t.close();
});

it('makes the demo owner the owner of every demo merchant, once; the phone logs in to that account', async () => {
  const first = await seedDemoStaff(t.db);
  const merchants = buildDemoShop().merchants;
  expect(first.assigned).toBe(merchants.length);
  expect(await seedDemoStaff(t.db)).toEqual({ ownerId: first.ownerId, assigned: 0 });

  const token = await t.login(DEMO_OWNER_PHONE);
  const me = await t.get<{ id: string; nickname: string }>('/api/me', { token });
  expect(me.body).toMatchObject({ id: first.ownerId, nickname: DEMO_OWNER_NICKNAME });
  const workplaces = await t.get<{ items: { merchantId: string; merchantName: string; role: string }[] }>('/api/me/workplaces', { token });
  expect(workplaces.body.items.map((w) => [w.merchantId, w.merchantName, w.role])).toEqual(merchants.map((m) => [m.id, m.name, 'owner']));
  const audit = await t.get<{ items: { action: string; actorId: string | null }[] }>(`/api/merchants/${merchants[0].id}/audit`, { token });
  expect(audit.body.items).toEqual([expect.objectContaining({ action: 'staff.owner_assigned', actorId: null })]);
});

it('leaves a merchant whose staff has changed since alone', async () => {
  const token = await t.login('13500000001');
  const other = (await t.get<{ id: string }>('/api/me', { token })).body.id;
  const [m] = buildDemoShop().merchants;
  await t.db.deleteFrom('merchant_staff').where('merchant_id', '=', m.id).execute();
  await t.db
    .insertInto('merchant_staff')
    .values({ id: 'stf_other', merchant_id: m.id, user_id: other, phone: '13500000001', role: 'owner', status: 'active', invited_by: null, created_at: 1, updated_at: 1 })
    .execute();
  expect((await seedDemoStaff(t.db)).assigned).toBe(0);
  const owners = await t.db.selectFrom('merchant_staff').select('user_id').where('merchant_id', '=', m.id).execute();
  expect(owners).toEqual([{ user_id: other }]);
});
