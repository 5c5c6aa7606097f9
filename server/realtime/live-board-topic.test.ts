import { LIVE_BOARD_TOPIC_ROLES } from '../../contract/live';
import { routes } from '../../contract/routes';
import { testApp, type TestApp } from '../test/app';
import { addStaff, makeMerchant } from '../modules/merchant/testing';
import { userToken } from '../modules/order/testing';
import { liveLinesChanged } from '../modules/live';
import { makeLiveSession, type FixtureSession } from '../modules/live/testing';
import { openSocket, realtimeUrl, signedInSocket, type Frame, type TestSocket } from './testing';

/**
 * The host's board topic, `liveboard:{sessionId}` (docs/realtime.md, docs/live.md): the
 * session's merchant's active owners, operators and live hosts may follow it (the live module
 * names the session's merchant, the merchant module the membership); kitchen staff, another
 * merchant's staff, shoppers and guests are refused. `live.board` comes there, not on the
 * merchant's topic, which stays closed to live hosts. A live host removed, or moved to a role
 * without live sessions, loses it at once (the merchant module's event tells every hub).
 */
let t: TestApp;
let url: string;
const A = 'm_lba';
const B = 'm_lbb';
let session: FixtureSession;
let otherSession: FixtureSession;
const people: Record<string, { userId: string; token: string; staffId?: string }> = {};

beforeAll(async () => {
  t = await testApp({ seed: false });
  url = realtimeUrl(t.baseUrl);
  await makeMerchant(t.db, A);
  await makeMerchant(t.db, B);
  for (const [name, merchant, role] of [
    ['owner', A, 'owner'],
    ['operator', A, 'operator'],
    ['live_host', A, 'live_host'],
    ['kitchen', A, 'kitchen'],
    ['ownerB', B, 'owner'],
    ['live_hostB', B, 'live_host'],
  ] as const) {
    const p = await userToken(t.db, t.config.tokenSecret);
    people[name] = { ...p, staffId: await addStaff(t.db, merchant, p.userId, role) };
  }
  people.shopper = await userToken(t.db, t.config.tokenSecret);
  session = await makeLiveSession(t.db, { merchantId: A, status: 'live', lines: [{ price: 800, quota: 10 }] });
  otherSession = await makeLiveSession(t.db, { merchantId: B, status: 'live' });
});
afterAll(async () => {
  await t.close();
});

const topicOf = (s: FixtureSession) => `liveboard:${s.sessionId}`;
const answer = (f: Frame) => f.op === 'subscribed' || f.op === 'error';
const board = (s: FixtureSession) => (f: Frame) => f.op === 'event' && f.type === 'live.board' && f.topic === topicOf(s);

async function follow(token: string, topics: string[]): Promise<TestSocket> {
  const s = await signedInSocket(url, token);
  for (const topic of topics) {
    s.send({ op: 'sub', topic });
    expect(await s.next(answer)).toMatchObject({ op: 'subscribed', topic });
  }
  return s;
}

it('follows the roles of the host\'s live routes', () => {
  expect([...LIVE_BOARD_TOPIC_ROLES].sort()).toEqual([...(routes.getHostLiveSession.roles ?? [])].sort());
});

it('lets the session\'s merchant\'s owners, operators and live hosts subscribe; everyone else is refused', async () => {
  for (const name of ['owner', 'operator', 'live_host']) {
    const s = await signedInSocket(url, people[name].token);
    s.send({ op: 'sub', topic: topicOf(session) });
    expect([name, await s.next(answer)]).toEqual([name, { op: 'subscribed', topic: topicOf(session), version: 0 }]);
    s.close();
  }
  for (const name of ['kitchen', 'ownerB', 'live_hostB', 'shopper']) {
    const s = await signedInSocket(url, people[name].token);
    s.send({ op: 'sub', topic: topicOf(session) });
    expect([name, await s.next(answer)]).toEqual([name, { op: 'error', code: 'TOPIC_FORBIDDEN', topic: topicOf(session), message: 'this topic is not yours' }]);
    s.close();
  }
  // A live host still may not follow the merchant's topic (every order).
  const host = await signedInSocket(url, people.live_host.token);
  host.send({ op: 'sub', topic: `merchant:${A}` });
  expect(await host.next(answer)).toMatchObject({ op: 'error', code: 'TOPIC_FORBIDDEN', topic: `merchant:${A}` });
  // A session nobody has.
  host.send({ op: 'sub', topic: 'liveboard:ls_nowhere' });
  expect(await host.next(answer)).toMatchObject({ op: 'error', code: 'TOPIC_FORBIDDEN', topic: 'liveboard:ls_nowhere' });
  host.close();
  // A guest, and nothing before auth.
  const guest = await openSocket(url);
  guest.send({ op: 'auth', guest: true });
  await guest.next((f) => f.op === 'ready');
  guest.send({ op: 'sub', topic: topicOf(session) });
  expect(await guest.next(answer)).toEqual({ op: 'error', code: 'TOPIC_FORBIDDEN', topic: topicOf(session), message: 'sign in for this topic' });
  guest.close();
  const anon = await openSocket(url);
  anon.send({ op: 'sub', topic: topicOf(session) });
  expect(await anon.next((f) => f.op === 'error')).toMatchObject({ code: 'UNAUTHENTICATED' });
  anon.close();
});

it('pushes live.board on the session\'s board topic, not on the merchant\'s topic nor another session\'s board', async () => {
  const host = await follow(people.live_host.token, [topicOf(session)]);
  const owner = await follow(people.owner.token, [`merchant:${A}`, topicOf(session)]);
  const other = await follow(people.live_hostB.token, [topicOf(otherSession)]);

  await t.db.updateTable('live_lines').set({ sold: 3, paid: 2, paid_amount: 1600 }).where('session_id', '=', session.sessionId).execute();
  liveLinesChanged(session.sessionId);
  const pushed = await host.next(board(session));
  expect(pushed).toEqual({
    op: 'event',
    topic: topicOf(session),
    type: 'live.board',
    volatile: true,
    data: {
      sessionId: session.sessionId,
      board: { orders: 0, paidOrders: 0, gmv: 1600, viewers: 0, likes: 0, lines: [{ skuId: session.skus[0].skuId, quota: 10, sold: 3, paid: 2, left: 7, gmv: 1600 }] },
      at: expect.any(Number),
    },
  });
  await owner.next(board(session));
  await new Promise((r) => setTimeout(r, 100));
  expect(owner.frames.filter((f) => f.op === 'event' && f.topic === `merchant:${A}`)).toEqual([]);
  expect(other.frames.filter((f) => f.op === 'event')).toEqual([]);
  host.close();
  owner.close();
  other.close();
});

it('brings the host the room\'s viewers and likes between boards (live.stats), the last viewer\'s leaving too', async () => {
  const host = await follow(people.live_host.token, [topicOf(session)]);
  // A viewer reads the session (this node now counts its stats) and joins the room.
  expect((await t.get(`/api/live/sessions/${session.sessionId}`)).status).toBe(200);
  const viewer = await openSocket(url);
  viewer.send({ op: 'auth', guest: true });
  await viewer.next((f) => f.op === 'ready');
  viewer.send({ op: 'sub', topic: `live:${session.sessionId}` });
  await viewer.next(answer);
  const stats = (viewers: number) => (f: Frame) => f.op === 'event' && f.type === 'live.stats' && f.topic === topicOf(session) && (f.data as { viewers: number }).viewers === viewers;
  expect((await host.next(stats(1), 5000)).data).toEqual({ sessionId: session.sessionId, viewers: 1, likes: 0, at: expect.any(Number) });
  viewer.close();
  await host.next(stats(0), 5000);
  host.close();
});

it('ends a live host\'s subscription at once when the host is removed, and never pushes the board to it again', async () => {
  const p = await userToken(t.db, t.config.tokenSecret);
  const staffId = await addStaff(t.db, A, p.userId, 'live_host');
  const s = await follow(p.token, [`user:${p.userId}`, topicOf(session)]);
  const stays = await follow(people.live_host.token, [topicOf(session)]);

  const removed = await t.del(`/api/merchants/${A}/staff/${staffId}`, { token: people.owner.token });
  expect(removed.status).toBe(200);
  // No recheckTopics() here: the removal itself ends the subscription.
  expect(await s.next((f) => f.op === 'error', 2000)).toEqual({ op: 'error', code: 'TOPIC_FORBIDDEN', topic: topicOf(session), message: 'this topic is no longer yours' });

  liveLinesChanged(session.sessionId);
  await stays.next(board(session));
  await new Promise((r) => setTimeout(r, 100));
  expect(s.frames.filter((f) => f.op === 'event' && f.topic === topicOf(session))).toEqual([]);
  // The user's own topic stays; nothing else of the other host's ended.
  expect(s.frames.filter((f) => f.op === 'error').map((f) => f.topic)).toEqual([topicOf(session)]);
  expect(stays.frames.filter((f) => f.op === 'error')).toEqual([]);
  // Subscribing again is refused.
  s.send({ op: 'sub', topic: topicOf(session) });
  expect(await s.next(answer)).toMatchObject({ op: 'error', code: 'TOPIC_FORBIDDEN', message: 'this topic is not yours' });
  s.close();
  stays.close();
});

it('keeps it through a role change that keeps live sessions, and ends it at once for one that does not', async () => {
  const p = await userToken(t.db, t.config.tokenSecret);
  const staffId = await addStaff(t.db, A, p.userId, 'live_host');
  const s = await follow(p.token, [topicOf(session)]);

  const promoted = await t.patch(`/api/merchants/${A}/staff/${staffId}`, { role: 'operator' }, { token: people.owner.token });
  expect(promoted.status).toBe(200);
  liveLinesChanged(session.sessionId);
  await s.next(board(session));

  const demoted = await t.patch(`/api/merchants/${A}/staff/${staffId}`, { role: 'kitchen' }, { token: people.owner.token });
  expect(demoted.status).toBe(200);
  expect(await s.next((f) => f.op === 'error', 2000)).toMatchObject({ code: 'TOPIC_FORBIDDEN', topic: topicOf(session), message: 'this topic is no longer yours' });
  s.close();
});

it('is checked again by the minute\'s recheck too: a membership gone without its event ends there', async () => {
  const p = await userToken(t.db, t.config.tokenSecret);
  const staffId = await addStaff(t.db, A, p.userId, 'live_host');
  const s = await follow(p.token, [topicOf(session)]);
  await t.db.deleteFrom('merchant_staff').where('id', '=', staffId).execute();
  expect(await t.app.realtime.hub.recheckTopics()).toBe(1);
  expect(await s.next((f) => f.op === 'error')).toMatchObject({ code: 'TOPIC_FORBIDDEN', topic: topicOf(session) });
  s.close();
});
