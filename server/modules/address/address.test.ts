import { address as addressSchema } from '../../../contract/address';
import { testApp, type TestApp } from '../../test/app';
import { getAddressForUser, MAX_ADDRESSES } from './service';

let t: TestApp;
beforeAll(async () => {
  t = await testApp({ seed: false });
});
afterAll(async () => {
  await t.close();
});

type Addr = { id: string; name: string; isDefault: boolean; detail: string };
const input = (n: number, extra: Record<string, unknown> = {}) => ({
  name: `收件人${n}`,
  phone: '13800138000',
  province: '上海市',
  city: '上海市',
  district: '浦东新区',
  detail: `世纪大道 ${n} 号`,
  ...extra,
});

async function book(token: string): Promise<Addr[]> {
  const res = await t.get<{ items: Addr[] }>('/api/addresses', { token });
  expect(res.status).toBe(200);
  return res.body.items;
}
const defaults = (items: Addr[]) => items.filter((a) => a.isDefault);

describe('address book', () => {
  it('creates, lists, updates and deletes; the first address is the default', async () => {
    const token = await t.login();
    expect(await book(token)).toEqual([]);
    const first = await t.post<Addr>('/api/addresses', input(1), { token });
    expect(first.status).toBe(201);
    expect(addressSchema.parse(first.body).isDefault).toBe(true);
    const second = await t.post<Addr>('/api/addresses', input(2), { token });
    expect(second.body.isDefault).toBe(false);
    expect((await book(token)).map((a) => a.id)).toEqual([first.body.id, second.body.id]);

    const patched = await t.patch<Addr>(`/api/addresses/${second.body.id}`, { detail: '  陆家嘴 8 号  ' }, { token });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ id: second.body.id, detail: '陆家嘴 8 号', name: '收件人2', isDefault: false });

    const del = await t.del(`/api/addresses/${second.body.id}`, { token });
    expect(del.body).toEqual({ ok: true });
    expect((await book(token)).map((a) => a.id)).toEqual([first.body.id]);
  });

  it('keeps exactly one default: setting one unsets the others; deleting it promotes another', async () => {
    const token = await t.login();
    const a = (await t.post<Addr>('/api/addresses', input(1), { token })).body;
    const b = (await t.post<Addr>('/api/addresses', input(2), { token })).body;
    const c = (await t.post<Addr>('/api/addresses', input(3, { isDefault: true }), { token })).body;
    expect(c.isDefault).toBe(true);
    expect(defaults(await book(token)).map((x) => x.id)).toEqual([c.id]);

    await t.patch(`/api/addresses/${b.id}`, { isDefault: true }, { token });
    expect(defaults(await book(token)).map((x) => x.id)).toEqual([b.id]);
    expect((await book(token))[0].id).toBe(b.id);

    // Unsetting the default hands it to another address.
    await t.patch(`/api/addresses/${b.id}`, { isDefault: false }, { token });
    const after = defaults(await book(token));
    expect(after).toHaveLength(1);
    expect(after[0].id).not.toBe(b.id);

    const current = after[0].id;
    await t.del(`/api/addresses/${current}`, { token });
    const rest = await book(token);
    expect(rest).toHaveLength(2);
    expect(defaults(rest)).toHaveLength(1);

    for (const x of rest) await t.del(`/api/addresses/${x.id}`, { token });
    expect(await book(token)).toEqual([]);
    void a;
  });

  it('a PATCH changes only the fields it sends: an omitted isDefault keeps the default where it is', async () => {
    const token = await t.login();
    const a = (await t.post<Addr>('/api/addresses', input(1), { token })).body;
    const b = (await t.post<Addr>('/api/addresses', input(2), { token })).body;
    expect([a.isDefault, b.isDefault]).toEqual([true, false]);
    const before = await book(token);

    const patched = await t.patch<Addr>(`/api/addresses/${a.id}`, { detail: '陆家嘴 8 号' }, { token });
    expect(patched.status).toBe(200);
    expect(patched.body).toEqual({ ...before.find((x) => x.id === a.id), detail: '陆家嘴 8 号', isDefault: true });
    const other = await t.patch<Addr>(`/api/addresses/${b.id}`, { name: '李四' }, { token });
    expect(other.body).toEqual({ ...before.find((x) => x.id === b.id), name: '李四', isDefault: false });
    expect(defaults(await book(token)).map((x) => x.id)).toEqual([a.id]);

    // Every field alone: the others stay as they were.
    const fields = { name: '赵六', phone: '13900139000', province: '浙江省', city: '杭州市', district: '西湖区', detail: '文三路 1 号' };
    let expected = (await book(token)).find((x) => x.id === a.id);
    for (const [key, value] of Object.entries(fields)) {
      const res = await t.patch<Addr>(`/api/addresses/${a.id}`, { [key]: value }, { token });
      expected = { ...expected!, [key]: value };
      expect(res.body).toEqual(expected);
    }
  });

  it('a lone default stays default when asked to unset it', async () => {
    const token = await t.login();
    const only = (await t.post<Addr>('/api/addresses', input(1), { token })).body;
    const res = await t.patch<Addr>(`/api/addresses/${only.id}`, { isDefault: false }, { token });
    expect(res.body.isDefault).toBe(true);
  });

  it("answers 404 for another user's address and changes nothing", async () => {
    const alice = await t.login();
    const bob = await t.login();
    const hers = (await t.post<Addr>('/api/addresses', input(1), { token: alice })).body;
    expect((await t.patch(`/api/addresses/${hers.id}`, { name: '黑客' }, { token: bob })).status).toBe(404);
    expect((await t.del(`/api/addresses/${hers.id}`, { token: bob })).status).toBe(404);
    expect((await t.patch(`/api/addresses/${hers.id}`, { isDefault: true }, { token: bob })).body).toMatchObject({ code: 'NOT_FOUND' });
    expect(await book(bob)).toEqual([]);
    expect((await book(alice))[0]).toMatchObject({ id: hers.id, name: '收件人1' });
    const bobId = (await t.get<{ id: string }>('/api/me', { token: bob })).body.id;
    const aliceId = (await t.get<{ id: string }>('/api/me', { token: alice })).body.id;
    expect(await getAddressForUser(t.db, bobId, hers.id)).toBeNull();
    expect(await getAddressForUser(t.db, aliceId, hers.id)).toMatchObject({ id: hers.id });
  });

  it(`holds at most ${MAX_ADDRESSES} addresses`, async () => {
    const token = await t.login();
    for (let i = 0; i < MAX_ADDRESSES; i++) expect((await t.post('/api/addresses', input(i), { token })).status).toBe(201);
    const res = await t.post('/api/addresses', input(99), { token });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'ADDRESS_LIMIT_REACHED' });
    expect(await book(token)).toHaveLength(MAX_ADDRESSES);
  });

  it('rejects invalid input and writes nothing', async () => {
    const token = await t.login();
    for (const bad of [
      input(1, { phone: '110' }),
      input(1, { name: '' }),
      input(1, { name: '   ' }),
      input(1, { detail: 'x'.repeat(121) }),
      input(1, { isDefault: 'yes' }),
      input(1, { userId: 'u_other' }),
      { name: '只有名字' },
    ]) {
      const res = await t.post('/api/addresses', bad, { token });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED' });
    }
    expect(await book(token)).toEqual([]);
    const ok = (await t.post<Addr>('/api/addresses', input(1), { token })).body;
    expect((await t.patch(`/api/addresses/${ok.id}`, { phone: 'abc' }, { token })).status).toBe(400);
    expect((await t.patch(`/api/addresses/${ok.id}`, { id: 'adr_x' }, { token })).status).toBe(400);
    expect((await book(token))[0]).toMatchObject({ phone: '13800138000' });
  });

  it('requires a session', async () => {
    expect((await t.get('/api/addresses')).status).toBe(401);
    expect((await t.post('/api/addresses', input(1))).status).toBe(401);
  });

  it('keeps one default under concurrent creates', async () => {
    const token = await t.login();
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => t.post<Addr>('/api/addresses', input(i, { isDefault: true }), { token })));
    for (const r of results) expect(r.status).toBe(201);
    const items = await book(token);
    expect(items).toHaveLength(6);
    expect(defaults(items)).toHaveLength(1);
  });
});
