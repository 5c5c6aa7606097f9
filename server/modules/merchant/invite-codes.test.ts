import { createHash, createHmac } from 'node:crypto';
import { INVITE_CODE_ALPHABET, invitePreview, staffInvite, workplace } from '../../../contract/merchant';
import { testApp, uniquePhone, type ApiResponse, type TestApp } from '../../test/app';
import { addStaff, makeMerchant } from './testing';
import { INVITE_CODE_TTL_MS, inviteCodeKey, newInviteCode } from './invite-code';
import { INVITE_CODE_MAX_FAILURES, INVITE_CODE_WINDOW_MS } from './invites';

/**
 * Invite codes (docs/merchant.md, "Staff invites"): an owner makes an invite with or without a
 * phone number and is shown its code once; any signed-in account, on any platform, previews and
 * takes it. Codes are one-time, expire, die with a withdrawn invite, and wrong ones are
 * rate-limited per account.
 */
let t: TestApp;
const A = 'm_ica';
const B = 'm_icb';

interface Person {
  token: string;
  userId: string;
  phone: string | null;
}

let miniSeq = 0;
/** A WeChat mini-program account: no phone number. */
async function miniUser(): Promise<Person> {
  miniSeq += 1;
  const res = await t.post<{ token: string; user: { id: string } }>('/api/auth/login/mini', { platform: 'weapp', code: `sandbox-ic${process.pid}x${miniSeq}.n${Date.now()}` });
  if (res.status !== 200) throw new Error(`mini login: ${res.status} ${res.text}`);
  return { token: res.body.token, userId: res.body.user.id, phone: null };
}

/** An H5 account (its phone number). */
async function phoneUser(phone = uniquePhone()): Promise<Person> {
  const token = await t.login(phone);
  const me = await t.get<{ id: string }>('/api/me', { token });
  return { token, userId: me.body.id, phone };
}

const codeOf = (res: ApiResponse) => `${res.status} ${String((res.body as { code?: string } | null)?.code ?? '')}`.trim();
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
/** What the server stores for a code: an HMAC under the key derived from its token secret. */
const storedForm = (s: string) => createHmac('sha256', inviteCodeKey(t.config.tokenSecret)).update(s).digest('hex');

interface Invite {
  id: string;
  status: string;
  phone: string | null;
  userId: string | null;
  role: string;
  inviteCode: string | null;
  inviteExpiresAt: number | null;
}

let ownerA: Person;
let ownerB: Person;
let keySeq = 0;
async function invite(merchantId: string, owner: Person, body: Record<string, unknown> = { role: 'operator' }, idempotencyKey?: string): Promise<ApiResponse<Invite>> {
  return t.post<Invite>(`/api/merchants/${merchantId}/staff`, body, { token: owner.token, idempotencyKey: idempotencyKey ?? `ic-${process.pid}-${++keySeq}` });
}
async function codeInvite(merchantId = A, role = 'operator'): Promise<{ id: string; code: string }> {
  const res = await invite(merchantId, merchantId === A ? ownerA : ownerB, { role });
  if (res.status !== 201 || !res.body.inviteCode) throw new Error(`invite: ${res.status} ${res.text}`);
  return { id: res.body.id, code: res.body.inviteCode };
}
const preview = (code: string, who: Person | null) => t.get(`/api/staff-invites/${code}`, { token: who?.token ?? null });
const accept = (code: string, who: Person | null) => t.post(`/api/staff-invites/${code}/accept`, undefined, { token: who?.token ?? null });

beforeAll(async () => {
  t = await testApp({ seed: false });
  await makeMerchant(t.db, A, '甲店');
  await makeMerchant(t.db, B, '乙店');
  ownerA = await phoneUser();
  ownerB = await phoneUser();
  await addStaff(t.db, A, ownerA.userId, 'owner', ownerA.phone);
  await addStaff(t.db, B, ownerB.userId, 'owner', ownerB.phone);
});
afterAll(async () => {
  await t.close();
});

describe('codes', () => {
  it('are 8 characters of the unambiguous alphabet, from a CSPRNG', () => {
    const codes = Array.from({ length: 2000 }, () => newInviteCode());
    expect(INVITE_CODE_ALPHABET).not.toMatch(/[01OIL]/);
    expect(INVITE_CODE_ALPHABET).toHaveLength(31);
    for (const c of codes) expect(c).toMatch(/^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{8}$/);
    expect(new Set(codes).size).toBe(codes.length);
    // Every character of the alphabet turns up (2000 x 8 draws of 31: a missing one means a broken draw).
    expect(new Set(codes.join('')).size).toBe(31);
  });
});

describe('making an invite', () => {
  it('without a phone: answers the code once; only its hash is stored and the list never shows it', async () => {
    const before = Date.now();
    const res = await invite(A, ownerA, { role: 'kitchen' }, 'ic-once');
    expect(res.status).toBe(201);
    expect(() => staffInvite.parse(res.body)).not.toThrow();
    expect(res.body).toMatchObject({ userId: null, phone: null, role: 'kitchen', status: 'invited' });
    const code = res.body.inviteCode ?? '';
    expect(code).toMatch(/^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{8}$/);
    expect(res.body.inviteExpiresAt).toBeGreaterThanOrEqual(before + INVITE_CODE_TTL_MS);
    expect(res.body.inviteExpiresAt).toBeLessThanOrEqual(Date.now() + INVITE_CODE_TTL_MS);
    expect(INVITE_CODE_TTL_MS).toBe(72 * 3600_000);

    const row = await t.db.selectFrom('merchant_staff').selectAll().where('id', '=', res.body.id).executeTakeFirstOrThrow();
    expect(row.code_hash).toBe(storedForm(code));
    // Not the plain hash: a copy of the table alone cannot be searched for open codes.
    expect(row.code_hash).not.toBe(sha256(code));
    expect(JSON.stringify(row)).not.toContain(code);
    const list = await t.get<{ items: Invite[] }>(`/api/merchants/${A}/staff`, { token: ownerA.token });
    expect(list.body.items.find((m) => m.id === res.body.id)).toMatchObject({ status: 'invited', inviteExpiresAt: res.body.inviteExpiresAt });
    expect(list.text).not.toContain(code);

    // A replay answers the invite without the code, and the stored answer does not hold it.
    const replay = await invite(A, ownerA, { role: 'kitchen' }, 'ic-once');
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toMatchObject({ id: res.body.id, inviteCode: null });
    const stored = await t.db.selectFrom('idempotency_keys').select('response_body').where('key', '=', 'ic-once').executeTakeFirstOrThrow();
    expect(stored.response_body).not.toContain(code);

    const entry = await t.db.selectFrom('audit_log').selectAll().where('target', '=', `staff:${res.body.id}`).executeTakeFirstOrThrow();
    expect(entry.action).toBe('staff.invited');
    expect(JSON.parse(entry.detail)).toMatchObject({ phone: null, role: 'kitchen', bound: false, codeExpiresAt: res.body.inviteExpiresAt });
    expect(entry.detail).not.toContain(code);
  });

  it("with a phone that has no account: a code too; with an existing account's phone: joins at once, no code", async () => {
    const phone = uniquePhone();
    const waiting = await invite(A, ownerA, { phone, role: 'operator' });
    expect(waiting.body).toMatchObject({ phone, status: 'invited', inviteCode: expect.stringMatching(/^[2-9A-Z]{8}$/) });
    const existing = await phoneUser();
    const joined = await invite(A, ownerA, { phone: existing.phone, role: 'operator' });
    expect(joined.body).toMatchObject({ userId: existing.userId, status: 'active', inviteCode: null, inviteExpiresAt: null });
  });

  it('only owners make invites; a bad body is 400', async () => {
    const op = await phoneUser();
    await addStaff(t.db, A, op.userId, 'operator', op.phone);
    expect(codeOf(await invite(A, op))).toBe('403 FORBIDDEN_ROLE');
    const shopper = await miniUser();
    expect(codeOf(await invite(A, shopper))).toBe('404 NOT_FOUND');
    expect(codeOf(await invite(A, ownerA, { role: 'owner' }))).toBe('400 VALIDATION_FAILED');
    expect(codeOf(await invite(A, ownerA, { phone: null, role: 'operator' }))).toBe('400 VALIDATION_FAILED');
    expect(codeOf(await invite(A, ownerA, {}))).toBe('400 VALIDATION_FAILED');
  });
});

describe('taking an invite by its code', () => {
  it('a mini-program account previews and takes it, and works there at once; the code is spent', async () => {
    const { id, code } = await codeInvite(A, 'live_host');
    const staffer = await miniUser();
    const seen = await preview(code, staffer);
    expect(seen.status).toBe(200);
    expect(() => invitePreview.parse(seen.body)).not.toThrow();
    expect(seen.body).toMatchObject({ merchantId: A, merchantName: '甲店', role: 'live_host', alreadyMember: false });
    // Typed in lower case, the same code.
    expect((await preview(code.toLowerCase(), staffer)).status).toBe(200);

    const took = await accept(code.toLowerCase(), staffer);
    expect(codeOf(took)).toBe('200');
    expect(() => workplace.parse(took.body)).not.toThrow();
    expect(took.body).toEqual({ merchantId: A, merchantName: '甲店', merchantLogo: `/images/${A}.svg`, role: 'live_host', staffId: id });
    expect((await t.get<{ items: { merchantId: string }[] }>('/api/me/workplaces', { token: staffer.token })).body.items.map((w) => w.merchantId)).toEqual([A]);
    expect((await t.get(`/api/merchants/${A}`, { token: staffer.token })).body).toMatchObject({ role: 'live_host', staffId: id });
    const row = await t.db.selectFrom('merchant_staff').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ user_id: staffer.userId, status: 'active', code_hash: null, code_expires_at: null, phone: null });

    // Spent: the same answer as for a code that never existed, for anyone.
    const other = await miniUser();
    expect(codeOf(await accept(code, other))).toBe('404 INVITE_NOT_FOUND');
    expect(codeOf(await preview(code, other))).toBe('404 INVITE_NOT_FOUND');
    expect(codeOf(await accept(code, staffer))).toBe('404 INVITE_NOT_FOUND');

    const entries = await t.db.selectFrom('audit_log').selectAll().where('target', '=', `staff:${id}`).where('action', '=', 'staff.joined').execute();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ merchant_id: A, actor_id: staffer.userId });
    expect(JSON.parse(entries[0].detail)).toEqual({ role: 'live_host', via: 'code', phone: null, invitedPhone: null, droppedInvite: null });
  });

  it('needs a signed-in account; a malformed code is a 400', async () => {
    const { code } = await codeInvite();
    expect(codeOf(await preview(code, null))).toBe('401 UNAUTHORIZED');
    expect(codeOf(await accept(code, null))).toBe('401 UNAUTHORIZED');
    const someone = await miniUser();
    for (const bad of ['ABC', 'ABCDEFGH1', 'ABCDEF0O', 'ABCDEFGI']) expect(codeOf(await preview(bad, someone))).toBe('400 VALIDATION_FAILED');
  });

  it('two accounts taking one code at once: exactly one joins', async () => {
    for (let round = 0; round < 4; round++) {
      const { id, code } = await codeInvite();
      const [x, y] = await Promise.all([miniUser(), miniUser()]);
      const answers = await Promise.all([accept(code, x), accept(code, y)]);
      expect(answers.map(codeOf).sort()).toEqual(['200', '404 INVITE_NOT_FOUND']);
      const winner = answers[0].status === 200 ? x : y;
      const rows = await t.db.selectFrom('merchant_staff').select(['id', 'user_id', 'status']).where('merchant_id', '=', A).where('user_id', 'in', [x.userId, y.userId]).execute();
      expect(rows).toEqual([{ id, user_id: winner.userId, status: 'active' }]);
      expect(await t.db.selectFrom('audit_log').select('id').where('target', '=', `staff:${id}`).where('action', '=', 'staff.joined').execute()).toHaveLength(1);
    }
  });

  it('an expired, a withdrawn and an unknown code answer alike', async () => {
    const someone = await miniUser();
    const expired = await codeInvite();
    await t.db.updateTable('merchant_staff').set({ code_expires_at: Date.now() - 1 }).where('id', '=', expired.id).execute();
    const withdrawn = await codeInvite();
    expect(codeOf(await t.del(`/api/merchants/${A}/staff/${withdrawn.id}`, { token: ownerA.token }))).toBe('200');
    let unknown = newInviteCode();
    while (unknown === expired.code || unknown === withdrawn.code) unknown = newInviteCode();

    const answers = [];
    for (const code of [expired.code, withdrawn.code, unknown]) {
      // Two wrong codes per account, inside the limit: each answer is the plain not-found.
      const guesser = code === unknown ? someone : await miniUser();
      for (const res of [await preview(code, guesser), await accept(code, guesser)]) {
        const body = res.body as { status: number; code: string; title: string; detail?: string };
        answers.push([res.status, body.code, body.title, body.detail]);
      }
    }
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(answers[0].slice(0, 2)).toEqual([404, 'INVITE_NOT_FOUND']);
    expect(await t.db.selectFrom('merchant_staff').select('id').where('user_id', '=', someone.userId).execute()).toEqual([]);
    // The expired invite stays listed, for the owner to withdraw.
    expect((await t.db.selectFrom('merchant_staff').select('status').where('id', '=', expired.id).executeTakeFirst())?.status).toBe('invited');
  });

  it('staff of the merchant already: 409, and the invite stays for someone else', async () => {
    const { code } = await codeInvite();
    expect((await preview(code, ownerA)).body).toMatchObject({ alreadyMember: true });
    expect(codeOf(await accept(code, ownerA))).toBe('409 STAFF_ALREADY_MEMBER');
    const newcomer = await miniUser();
    expect(codeOf(await accept(code, newcomer))).toBe('200');
  });

  it("one merchant's code joins that merchant only; another merchant's owner cannot touch its invite", async () => {
    const inB = await codeInvite(B, 'kitchen');
    expect(codeOf(await t.del(`/api/merchants/${A}/staff/${inB.id}`, { token: ownerA.token }))).toBe('404 NOT_FOUND');
    expect(codeOf(await t.patch(`/api/merchants/${A}/staff/${inB.id}`, { role: 'operator' }, { token: ownerA.token }))).toBe('404 NOT_FOUND');
    // A's owner may join B with it: any signed-in account may take a code, staff elsewhere or not.
    const took = await accept(inB.code, ownerA);
    expect(took.body).toMatchObject({ merchantId: B, role: 'kitchen', staffId: inB.id });
    expect((await t.get(`/api/merchants/${A}`, { token: ownerA.token })).body).toMatchObject({ role: 'owner' });
    expect((await t.get(`/api/merchants/${B}`, { token: ownerA.token })).body).toMatchObject({ role: 'kitchen' });
    const listA = await t.get<{ items: { id: string }[] }>(`/api/merchants/${A}/staff`, { token: ownerA.token });
    expect(listA.body.items.map((m) => m.id)).not.toContain(inB.id);
    const entry = await t.db.selectFrom('audit_log').select(['merchant_id']).where('target', '=', `staff:${inB.id}`).where('action', '=', 'staff.joined').execute();
    expect(entry).toEqual([{ merchant_id: B }]);
    // Back to an owner-only A for the other tests.
    await t.db.deleteFrom('merchant_staff').where('id', '=', inB.id).execute();
  });

  it('takes the role the invite has when it is taken', async () => {
    const { id, code } = await codeInvite(A, 'operator');
    expect(codeOf(await t.patch(`/api/merchants/${A}/staff/${id}`, { role: 'kitchen' }, { token: ownerA.token }))).toBe('200');
    expect((await accept(code, await miniUser())).body).toMatchObject({ role: 'kitchen' });
  });
});

describe('phone invites and codes', () => {
  it("whichever comes first: the phone's first login spends the code", async () => {
    const phone = uniquePhone();
    const res = await invite(A, ownerA, { phone, role: 'operator' });
    const code = res.body.inviteCode ?? '';
    const newcomer = await phoneUser(phone);
    expect((await t.get(`/api/merchants/${A}`, { token: newcomer.token })).body).toMatchObject({ staffId: res.body.id });
    expect(codeOf(await preview(code, await miniUser()))).toBe('404 INVITE_NOT_FOUND');
    const row = await t.db.selectFrom('merchant_staff').select(['code_hash', 'code_expires_at']).where('id', '=', res.body.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ code_hash: null, code_expires_at: null });
  });

  it('the code is the authority: an account with another phone (or none) takes a phone invite, and the phone binds nothing after', async () => {
    const invitedPhone = uniquePhone();
    const res = await invite(A, ownerA, { phone: invitedPhone, role: 'operator' });
    const staffer = await miniUser();
    expect(codeOf(await accept(res.body.inviteCode ?? '', staffer))).toBe('200');
    const row = await t.db.selectFrom('merchant_staff').select(['user_id', 'phone', 'status']).where('id', '=', res.body.id).executeTakeFirstOrThrow();
    // The member's phone is theirs (none), not the number the invite named.
    expect(row).toEqual({ user_id: staffer.userId, phone: null, status: 'active' });
    const entry = await t.db.selectFrom('audit_log').select('detail').where('target', '=', `staff:${res.body.id}`).where('action', '=', 'staff.joined').executeTakeFirstOrThrow();
    expect(JSON.parse(entry.detail)).toMatchObject({ via: 'code', phone: null, invitedPhone });
    // That phone's first login later finds nothing to bind.
    const later = await phoneUser(invitedPhone);
    expect((await t.get('/api/me/workplaces', { token: later.token })).body).toEqual({ items: [] });
  });

  it("an invite waiting for the taker's own phone in that merchant is folded into the membership", async () => {
    const taker = await phoneUser();
    // An invite for the taker's phone made before their account existed, left waiting.
    const waiting = await t.db
      .insertInto('merchant_staff')
      .values({ id: `stf_w${Date.now()}`, merchant_id: A, user_id: null, phone: taker.phone, role: 'kitchen', status: 'invited', invited_by: ownerA.userId, created_at: 1, updated_at: 1 })
      .returning('id')
      .executeTakeFirstOrThrow();
    const { id, code } = await codeInvite(A, 'operator');
    expect((await accept(code, taker)).body).toMatchObject({ role: 'operator', staffId: id });
    const rows = await t.db.selectFrom('merchant_staff').select(['id', 'user_id', 'phone', 'status']).where('merchant_id', '=', A).where('phone', '=', taker.phone).execute();
    expect(rows).toEqual([{ id, user_id: taker.userId, phone: taker.phone, status: 'active' }]);
    const entry = await t.db.selectFrom('audit_log').select('detail').where('target', '=', `staff:${id}`).where('action', '=', 'staff.joined').executeTakeFirstOrThrow();
    expect(JSON.parse(entry.detail)).toMatchObject({ droppedInvite: waiting.id });
  });
});

describe('wrong codes are rate-limited per account', () => {
  const wrong = () => newInviteCode();

  it(`after ${INVITE_CODE_MAX_FAILURES} wrong codes: 429 with Retry-After, right code or not, until the window ends; other accounts are not held`, async () => {
    const guesser = await miniUser();
    const { code } = await codeInvite();
    for (let i = 0; i < INVITE_CODE_MAX_FAILURES; i++) {
      const res = i % 2 === 0 ? await preview(wrong(), guesser) : await accept(wrong(), guesser);
      expect(codeOf(res)).toBe('404 INVITE_NOT_FOUND');
    }
    const locked = await preview(code, guesser);
    expect(codeOf(locked)).toBe('429 INVITE_CODE_LOCKED');
    const retryAfter = Number(locked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(INVITE_CODE_WINDOW_MS / 1000);
    expect(codeOf(await accept(code, guesser))).toBe('429 INVITE_CODE_LOCKED');
    // Someone else is not held by it.
    expect(codeOf(await preview(code, await miniUser()))).toBe('200');
    // Once the window has passed, the account may try again.
    await t.db.updateTable('staff_invite_attempts').set({ window_started_at: Date.now() - INVITE_CODE_WINDOW_MS - 1 }).where('user_id', '=', guesser.userId).execute();
    expect(codeOf(await accept(code, guesser))).toBe('200');
  });

  it('right codes do not count', async () => {
    const someone = await miniUser();
    const { code } = await codeInvite();
    for (let i = 0; i < INVITE_CODE_MAX_FAILURES + 2; i++) expect(codeOf(await preview(code, someone))).toBe('200');
    expect(codeOf(await accept(code, someone))).toBe('200');
  });

  it('wrong codes sent at once are each counted: no more than the limit are ever checked', async () => {
    const guesser = await miniUser();
    const answers = await Promise.all(Array.from({ length: INVITE_CODE_MAX_FAILURES + 4 }, (_, i) => (i % 2 ? accept(wrong(), guesser) : preview(wrong(), guesser))));
    const counts = answers.map(codeOf).reduce<Record<string, number>>((acc, c) => ({ ...acc, [c]: (acc[c] ?? 0) + 1 }), {});
    expect(counts).toEqual({ '404 INVITE_NOT_FOUND': INVITE_CODE_MAX_FAILURES, '429 INVITE_CODE_LOCKED': 4 });
  });
});
