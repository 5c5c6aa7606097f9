import type { Kysely, KyselyPlugin } from 'kysely';
import { MAX_LEVELS_CAP as CONTRACT_CAP } from '../../../contract/referral';
import type { Database } from '../../db/types';
import type { ReferralConfig } from '../../infra/config';
import { bindOutbox } from '../../events/emit';
import { createOutbox, type Outbox } from '../../infra/outbox';
import { testDb, type TestDb } from '../../test/db';
import { bindAtSignIn, bindByToken, createLink, LINK_TTL_MS, LINKS_PER_DAY, recordVisit, resolveLink, resolveToken, type ReferralLog } from './attribution';
import { MAX_LEVELS_CAP } from './bindings';
import { makeSku } from '../order/testing';
import { addBinding } from './testing';
import { makeLiveSession } from '../live/testing';
import { BASE62, macOf, randomBase62, tokenOf, TOKEN_LENGTH, verifyToken } from './tokens';

/**
 * Attribution (docs/referral.md, "Attribution tokens", "Binding", "Attribution and binding"):
 * tokens, visits and binding at sign-in, on the module's functions.
 */
let tdb: TestDb;
let db: Kysely<Database>;
let outbox: Outbox;
beforeAll(async () => {
  tdb = await testDb();
  db = tdb.db;
  // A sink that takes referral.bound, so the event is written (nothing is delivered here).
  const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
  outbox = createOutbox({ db, log: quiet, sinks: [{ name: 'referral-test', accepts: (type) => type === 'referral.bound', deliver: async () => undefined }] });
  bindOutbox(db, outbox);
});
afterAll(async () => {
  await outbox.stop();
  await tdb.destroy();
});

const boundEvents = async (userId: string) =>
  (await db.selectFrom('outbox_events').select(['type', 'payload']).where('aggregate_id', '=', userId).execute()).map((e) => ({
    type: e.type,
    payload: typeof e.payload === 'string' ? (JSON.parse(e.payload) as Record<string, unknown>) : e.payload,
  }));

const SECRET = 'test-referral-secret-0123456789abcdef';
const DAY = 24 * 3600_000;
const config = (over: Partial<ReferralConfig> = {}): ReferralConfig => ({
  secret: SECRET,
  binding: { kind: 'first_touch' },
  newAccountsOnly: false,
  maxLevels: 2,
  promoters: { kind: 'everyone' },
  operatorMerchant: 'm_01',
  withdraw: { min: 100, feeBp: 0, feeFen: 0, dailyLimit: 0, autoApproveMax: 0 },
  fraud: { velocityMax: 20, velocityWindowMs: 3_600_000, riskMinRank: 3 },
  ...over,
});

/** A log that keeps what was logged. */
function recordingLog(): ReferralLog & { entries: { obj: Record<string, unknown>; msg: string }[] } {
  const entries: { obj: Record<string, unknown>; msg: string }[] = [];
  const keep = (obj: object, msg: string) => entries.push({ obj: obj as Record<string, unknown>, msg });
  return { entries, info: keep, warn: keep, error: keep };
}

let seq = 0;
const uid = (name: string) => `u_${name}_${process.pid}_${++seq}`;
const device = () => `dev${process.pid}x${++seq}${'0'.repeat(12)}`;

async function linkOf(promoterId: string, target = 'home', now = Date.now()): Promise<string> {
  return (await createLink(db, config(), { id: promoterId, platform: 'h5' }, { target: target as 'home' }, now)).token;
}
const bindingOf = (userId: string) => db.selectFrom('referral_bindings').selectAll().where('user_id', '=', userId).executeTakeFirst();

/** Counts the statements run through the returned database (a Kysely plugin sees every query it compiles). */
function counted(): { db: Kysely<Database>; count: () => number } {
  let n = 0;
  const plugin: KyselyPlugin = {
    transformQuery: (args) => {
      n += 1;
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
  return { db: db.withPlugin(plugin), count: () => n };
}

describe('tokens', () => {
  it('are 20 base62 characters: 12 random (the link id) and 8 of the MAC; the depth cap is one number', () => {
    const ids = new Set(Array.from({ length: 2000 }, () => randomBase62(12)));
    expect(ids.size).toBe(2000);
    for (const id of ids) expect(id).toMatch(/^[0-9A-Za-z]{12}$/);
    const token = tokenOf(SECRET, 'AAAAAAAAAAAA');
    expect(token).toHaveLength(TOKEN_LENGTH);
    expect(token).toMatch(/^AAAAAAAAAAAA[0-9A-Za-z]{8}$/);
    expect(verifyToken(SECRET, token)).toEqual({ ok: true, linkId: 'AAAAAAAAAAAA' });
    expect(verifyToken('another-secret-0123456789abcdefghij', token)).toEqual({ ok: false, reason: 'bad_mac' });
    expect(MAX_LEVELS_CAP).toBe(CONTRACT_CAP);
  });

  it('draws every base62 character about equally (no modulo bias to speak of)', () => {
    const counts = new Map<string, number>();
    for (const c of randomBase62(62 * 400)) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(62);
    for (const n of counts.values()) expect(n).toBeGreaterThan(250);
    expect([...counts.keys()].every((c) => BASE62.includes(c))).toBe(true);
  });

  it('refuses a made-up, altered, truncated or re-signed token without a database read', async () => {
    const good = await linkOf(uid('p'));
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'a' ? 'b' : 'a') + s.slice(i + 1);
    const bad = [
      randomBase62(20), // made up
      flip(good, 3), // the link id altered
      flip(good, 15), // the MAC altered
      good.slice(0, 19), // truncated
      `${good}x`, // too long
      good.slice(0, 12) + macOf('another-secret-0123456789abcdefghij', good.slice(0, 12)), // signed with another key
    ];
    const c = counted();
    for (const token of bad) {
      const log = recordingLog();
      const outcome = await recordVisit(c.db, SECRET, log, { token, platform: 'h5', device: device(), userId: null });
      expect(outcome.ok).toBe(false);
      expect(log.entries[0]).toMatchObject({ msg: 'referral token ignored' });
      expect(['bad_mac', 'malformed']).toContain(log.entries[0].obj.reason);
    }
    expect(c.count()).toBe(0);
    // A good token is read (the link) and recorded.
    expect((await recordVisit(c.db, SECRET, recordingLog(), { token: good, platform: 'h5', device: device(), userId: null })).ok).toBe(true);
    expect(c.count()).toBeGreaterThan(0);
  });

  it('resolves a good token to its target and path; a made-up or altered one is 404 without a database read', async () => {
    const p = uid('p');
    const { productId } = await makeSku(db);
    const good = (await createLink(db, config(), { id: p, platform: 'weapp' }, { target: `poster:${productId}` })).token;
    const c = counted();
    for (const token of [randomBase62(20), good.slice(0, 12) + macOf('another-secret-0123456789abcdefghij', good.slice(0, 12)), good.slice(0, 19)]) {
      const log = recordingLog();
      await expect(resolveLink(c.db, SECRET, log, token)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect(log.entries[0]).toMatchObject({ msg: 'referral token not resolved' });
    }
    expect(c.count()).toBe(0);
    expect(await resolveLink(c.db, SECRET, recordingLog(), good)).toEqual({ target: `poster:${productId}`, path: `/pages/product/index?id=${productId}&rt=${good}` });
    expect(c.count()).toBe(1);
    const unknown = randomBase62(12);
    const log = recordingLog();
    await expect(resolveLink(db, SECRET, log, tokenOf(SECRET, unknown))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(log.entries[0].obj.reason).toBe('unknown_link');
  });

  it('ignores a token whose link expired or never existed (verified MAC, no row), with its reason', async () => {
    const t0 = Date.now() - LINK_TTL_MS - DAY;
    const old = await linkOf(uid('p'), 'home', t0);
    expect(await resolveToken(db, SECRET, old, Date.now())).toEqual({ ok: false, reason: 'expired' });
    expect(await resolveToken(db, SECRET, tokenOf(SECRET, randomBase62(12)), Date.now())).toEqual({ ok: false, reason: 'unknown_link' });
  });

  it('reuses a promoter\'s link for the same target and campaign while enough of it is left', async () => {
    const p = uid('p');
    const { productId } = await makeSku(db);
    const a = await createLink(db, config(), { id: p, platform: 'weapp' }, { target: `product:${productId}` });
    const b = await createLink(db, config(), { id: p, platform: 'weapp' }, { target: `product:${productId}` });
    const c = await createLink(db, config(), { id: p, platform: 'weapp' }, { target: `product:${productId}`, campaign: '朋友圈' });
    const d = await createLink(db, config(), { id: p, platform: 'weapp' }, { target: 'home' });
    expect(b.token).toBe(a.token);
    expect(new Set([a.token, c.token, d.token]).size).toBe(3);
    expect(a.path).toBe(`/pages/product/index?id=${productId}&rt=${a.token}`);
    expect(d.path).toBe(`/pages/home/index?rt=${d.token}`);
    const late = await createLink(db, config(), { id: p, platform: 'weapp' }, { target: `product:${productId}` }, Date.now() + LINK_TTL_MS - DAY);
    expect(late.token).not.toBe(a.token);
  });

  it('links a live room: its path opens the room (a code whose scene holds only the token lands there); an unknown session is refused', async () => {
    const p = uid('p');
    const { sessionId } = await makeLiveSession(db, { status: 'live' });
    const link = await createLink(db, config(), { id: p, platform: 'weapp' }, { target: `live:${sessionId}` });
    expect(link.path).toBe(`/pages/live/room?id=${sessionId}&rt=${link.token}`);
    expect(await resolveLink(db, SECRET, recordingLog(), link.token)).toEqual({ target: `live:${sessionId}`, path: link.path });
    await expect(createLink(db, config(), { id: p, platform: 'weapp' }, { target: 'live:ls_nowhere' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses a link to a product that does not exist, and more than LINKS_PER_DAY new links a day', async () => {
    const p = uid('p');
    await expect(createLink(db, config(), { id: p, platform: 'h5' }, { target: 'poster:p_nowhere' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const { productId } = await makeSku(db);
    const now = Date.now();
    for (let i = 0; i < LINKS_PER_DAY; i++) await createLink(db, config(), { id: p, platform: 'h5' }, { target: `poster:${productId}`, campaign: `c${i}` }, now);
    await expect(createLink(db, config(), { id: p, platform: 'h5' }, { target: 'home', campaign: 'one more' }, now)).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    // Reusing a link is no new link; a day later the promoter may make new ones again.
    await expect(createLink(db, config(), { id: p, platform: 'h5' }, { target: `poster:${productId}`, campaign: 'c0' }, now)).resolves.toBeTruthy();
    await expect(createLink(db, config(), { id: p, platform: 'h5' }, { target: 'home', campaign: 'one more' }, now + DAY)).resolves.toBeTruthy();
  });
});

describe('visits', () => {
  it('keep the first touch and replace the last, per device and, signed in, per account; a promoter\'s own link is not a visit', async () => {
    const [p1, p2, v] = [uid('p1'), uid('p2'), uid('v')];
    const dev = device();
    const [t1, t2] = [await linkOf(p1), await linkOf(p2)];
    const log = recordingLog();
    await recordVisit(db, SECRET, log, { token: t1, platform: 'weapp', scene: 1007, device: dev, userId: null }, 1000);
    await recordVisit(db, SECRET, log, { token: t2, platform: 'h5', device: dev, userId: v }, 2000);
    const row = await db.selectFrom('referral_visits').selectAll().where('visitor', '=', `d:${dev}`).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ first_promoter_id: p1, last_promoter_id: p2, last_platform: 'h5', last_scene: null, user_id: v });
    expect([Number(row.first_at), Number(row.last_at), Number(row.visits)]).toEqual([1000, 2000, 2]);
    const mine = await db.selectFrom('referral_visits').selectAll().where('visitor', '=', `u:${v}`).executeTakeFirstOrThrow();
    expect([mine.first_promoter_id, mine.last_promoter_id]).toEqual([p2, p2]);
    expect(await recordVisit(db, SECRET, log, { token: t1, platform: 'h5', device: device(), userId: p1 })).toEqual({ ok: false, reason: 'own_link' });
  });
});

describe('binding at sign-in', () => {
  /** A device that opened p1's link at t1 and then p2's at t2. */
  async function twoTouches(t1: number, t2: number) {
    const [p1, p2, dev] = [uid('p1'), uid('p2'), device()];
    await recordVisit(db, SECRET, recordingLog(), { token: await linkOf(p1), platform: 'weapp', device: dev, userId: null }, t1);
    await recordVisit(db, SECRET, recordingLog(), { token: await linkOf(p2), platform: 'weapp', device: dev, userId: null }, t2);
    return { p1, p2, dev };
  }

  it('binds nothing (and logs nothing) for a device with no visits', async () => {
    const log = recordingLog();
    expect(await bindAtSignIn(db, config(), log, { id: uid('u'), created: true, device: device() })).toEqual({ bound: false, reason: 'no_touch' });
    expect(log.entries).toEqual([]);
  });

  it('first_touch: the first visit\'s promoter, for good', async () => {
    const now = Date.now();
    const { p1, p2, dev } = await twoTouches(now - 2000, now - 1000);
    const u = uid('u');
    expect(await bindAtSignIn(db, config(), recordingLog(), { id: u, created: true, device: dev }, now)).toEqual({ bound: true, promoterId: p1, replaced: null });
    expect(await bindingOf(u)).toMatchObject({ promoter_id: p1, expires_at: null });
    expect(await boundEvents(u)).toEqual([{ type: 'referral.bound', payload: expect.objectContaining({ userId: u, promoterId: p1, replaced: null, via: 'sign_in', boundAt: now, expiresAt: null }) }]);
    // Later visits and sign-ins change nothing, and cost two reads (the touches, the binding): no transaction, no lock.
    await recordVisit(db, SECRET, recordingLog(), { token: await linkOf(p2), platform: 'weapp', device: dev, userId: u }, now + 1000);
    const c = counted();
    expect(await bindAtSignIn(c.db, config(), recordingLog(), { id: u, created: false, device: dev }, now + 2000)).toEqual({ bound: false, reason: 'already_bound' });
    expect(c.count()).toBe(2);
    expect((await bindingOf(u))?.promoter_id).toBe(p1);
  });

  it('first_touch_days:N: the first touch within N days, lapsing after N days; a later sign-in after that rebinds to a newer touch', async () => {
    const policy = config({ binding: { kind: 'first_touch_days', days: 7 } });
    const now = Date.now();
    const { p1, p2, dev } = await twoTouches(now - 10 * DAY, now - DAY);
    const u = uid('u');
    // p1's touch is older than 7 days: the first touch within the window is p2's.
    expect(await bindAtSignIn(db, policy, recordingLog(), { id: u, created: true, device: dev }, now)).toMatchObject({ bound: true, promoterId: p2 });
    expect(Number((await bindingOf(u))?.expires_at)).toBe(now + 7 * DAY);
    // Within the window nothing changes, even with a newer touch.
    const p3 = uid('p3');
    await recordVisit(db, SECRET, recordingLog(), { token: await linkOf(p3), platform: 'h5', device: dev, userId: u }, now + DAY);
    expect(await bindAtSignIn(db, policy, recordingLog(), { id: u, created: false, device: dev }, now + 2 * DAY)).toEqual({ bound: false, reason: 'already_bound' });
    // After it lapsed: the latest touch after the old binding takes its place.
    expect(await bindAtSignIn(db, policy, recordingLog(), { id: u, created: false, device: dev }, now + 7 * DAY + 1)).toEqual({ bound: true, promoterId: p3, replaced: p2 });
    // A device whose only touch is older than the window binds nothing (logged).
    const stale = await twoTouches(now - 30 * DAY, now - 20 * DAY);
    const log = recordingLog();
    expect(await bindAtSignIn(db, policy, log, { id: uid('u'), created: true, device: stale.dev }, now)).toEqual({ bound: false, reason: 'touch_too_old' });
    expect(log.entries[0]).toMatchObject({ msg: 'referral binding refused', obj: { reason: 'touch_too_old' } });
    void p1;
  });

  it('last_touch: the latest visit\'s promoter replaces the binding at each sign-in, only when that visit is newer than the binding', async () => {
    const policy = config({ binding: { kind: 'last_touch' } });
    const now = Date.now();
    const { p2, dev } = await twoTouches(now - 2000, now - 1000);
    const u = uid('u');
    expect(await bindAtSignIn(db, policy, recordingLog(), { id: u, created: true, device: dev }, now)).toMatchObject({ bound: true, promoterId: p2 });
    expect(await bindAtSignIn(db, policy, recordingLog(), { id: u, created: false, device: dev }, now + 10)).toEqual({ bound: false, reason: 'no_newer_touch' });
    const p3 = uid('p3');
    await recordVisit(db, SECRET, recordingLog(), { token: await linkOf(p3), platform: 'h5', device: dev, userId: null }, now + 20);
    expect(await bindAtSignIn(db, policy, recordingLog(), { id: u, created: false, device: dev }, now + 30)).toEqual({ bound: true, promoterId: p3, replaced: p2 });
    expect((await boundEvents(u)).map((e) => [e.payload.promoterId, e.payload.replaced])).toEqual(expect.arrayContaining([[p2, null], [p3, p2]]));
  });

  it('uses the account\'s own visits too (made signed in on another device)', async () => {
    const [p, u] = [uid('p'), uid('u')];
    await recordVisit(db, SECRET, recordingLog(), { token: await linkOf(p), platform: 'h5', device: device(), userId: u });
    expect(await bindAtSignIn(db, config(), recordingLog(), { id: u, created: false, device: null })).toMatchObject({ bound: true, promoterId: p });
  });

  it('REFERRAL_NEW_ACCOUNTS_ONLY: only an account this sign-in created', async () => {
    const policy = config({ newAccountsOnly: true });
    const { dev } = await twoTouches(1000, 2000);
    const [old, fresh] = [uid('old'), uid('new')];
    const log = recordingLog();
    expect(await bindAtSignIn(db, policy, log, { id: old, created: false, device: dev })).toEqual({ bound: false, reason: 'not_a_new_account' });
    expect(log.entries[0]).toMatchObject({ msg: 'referral binding refused', obj: { reason: 'not_a_new_account', userId: old } });
    expect(await bindingOf(old)).toBeUndefined();
    expect(await bindAtSignIn(db, policy, recordingLog(), { id: fresh, created: true, device: dev })).toMatchObject({ bound: true });
  });

  it('refuses self-referral (a link of the account itself, seen from its device before sign-in)', async () => {
    const [me, dev] = [uid('me'), device()];
    await recordVisit(db, SECRET, recordingLog(), { token: await linkOf(me), platform: 'h5', device: dev, userId: null });
    const log = recordingLog();
    expect(await bindAtSignIn(db, config(), log, { id: me, created: false, device: dev })).toEqual({ bound: false, reason: 'self_referral' });
    expect(log.entries[0]).toMatchObject({ obj: { reason: 'self_referral' } });
    expect(await bindingOf(me)).toBeUndefined();
  });

  it.each([2, 4])('refuses a cycle of length %i', async (length) => {
    // a1 <- a2 <- ... <- a(length): a(k) was referred by a(k-1). a1 opening a(length)'s link would close the cycle.
    const chain = Array.from({ length }, (_, i) => uid(`c${length}_${i}`));
    for (let i = 1; i < length; i++) await addBinding(db, chain[i], chain[i - 1]);
    const dev = device();
    await recordVisit(db, SECRET, recordingLog(), { token: await linkOf(chain[length - 1]), platform: 'h5', device: dev, userId: null });
    const log = recordingLog();
    expect(await bindAtSignIn(db, config(), log, { id: chain[0], created: false, device: dev })).toEqual({ bound: false, reason: 'cycle' });
    expect(log.entries[0]).toMatchObject({ msg: 'referral binding refused', obj: { reason: 'cycle', userId: chain[0] } });
    expect(await bindingOf(chain[0])).toBeUndefined();
    expect(await boundEvents(chain[0])).toEqual([]);
  });

  it('lets only one of two bindings that would close a cycle between them win, when they race', async () => {
    for (let round = 0; round < 8; round++) {
      const [a, b, devA, devB] = [uid('ra'), uid('rb'), device(), device()];
      // a opened b's link, b opened a's link; both sign in at once.
      await recordVisit(db, SECRET, recordingLog(), { token: await linkOf(b), platform: 'h5', device: devA, userId: null });
      await recordVisit(db, SECRET, recordingLog(), { token: await linkOf(a), platform: 'h5', device: devB, userId: null });
      const outcomes = await Promise.all([
        bindAtSignIn(db, config(), recordingLog(), { id: a, created: true, device: devA }),
        bindAtSignIn(db, config(), recordingLog(), { id: b, created: true, device: devB }),
      ]);
      expect(outcomes.filter((o) => o.bound)).toHaveLength(1);
      expect(outcomes.filter((o) => !o.bound)).toEqual([{ bound: false, reason: 'cycle' }]);
      const rows = await db.selectFrom('referral_bindings').select('user_id').where('user_id', 'in', [a, b]).execute();
      expect(rows).toHaveLength(1);
    }
  });
});

describe('binding by token (a link opened after login)', () => {
  it('records the visit and binds under the policy; a bad token binds nothing and is no error', async () => {
    const [p, u] = [uid('p'), uid('u')];
    const log = recordingLog();
    expect(await bindByToken(db, config(), log, { id: u, platform: 'h5' }, { token: randomBase62(20) })).toEqual({ bound: false });
    expect(log.entries[0]).toMatchObject({ obj: { reason: 'bad_mac' } });
    expect(await bindByToken(db, config(), recordingLog(), { id: u, platform: 'h5' }, { token: await linkOf(p) })).toEqual({ bound: true });
    expect((await bindingOf(u))?.promoter_id).toBe(p);
    // Its own link binds nothing.
    const me = uid('me');
    expect(await bindByToken(db, config(), recordingLog(), { id: me, platform: 'h5' }, { token: await linkOf(me) })).toEqual({ bound: false });
  });

  it('binds nothing with REFERRAL_NEW_ACCOUNTS_ONLY: the account existed before the link was opened', async () => {
    const [p, u] = [uid('p'), uid('u')];
    const log = recordingLog();
    expect(await bindByToken(db, config({ newAccountsOnly: true }), log, { id: u, platform: 'h5' }, { token: await linkOf(p) })).toEqual({ bound: false });
    expect(log.entries.at(-1)).toMatchObject({ obj: { reason: 'not_a_new_account' } });
  });
});
