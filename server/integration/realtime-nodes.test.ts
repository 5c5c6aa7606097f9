import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ParentOrder } from '@contract/order';
import { testDb, testDialect, type TestDb } from '../test/db';
import { freePort } from '../test/net';
import { makeSku, userToken } from '../modules/order/testing';
import { addStaff, makeMerchant } from '../modules/merchant/testing';
import { testConfig } from '../test/app';
import { openSocket, realtimeUrl, signedInSocket } from '../realtime/testing';
import { nodeVolatile, postgresVolatileTransport } from '../realtime/volatile';
import { ApiProcess } from './support/crash-api';

/**
 * Two API processes on one PostgreSQL database (docs/realtime.md, "Fan-out across API nodes"):
 * a client connected to node B receives, within a bounded time, an event produced on node A (the
 * relay of either node stores the message; pg_notify tells both); a client that was away while
 * an event happened catches up when it subscribes again with the version it had; a staff member
 * removed on node A loses the merchant's topic on node B at once (not at B's minute recheck).
 * SQLite is one
 * process by design (its bus is in process), so this runs with TEST_DB=postgres only.
 */
const onPostgres = testDialect() === 'postgres';
const describeOnPostgres = onPostgres ? describe : describe.skip;

/** The bound on push latency across nodes (the relay is woken at commit; polling every 200 ms is its fallback). */
const DELIVERY_BOUND_MS = 3000;

let tdb: TestDb;
let a: ApiProcess;
let b: ApiProcess;
let logDir: string;
let passed = false;

describeOnPostgres('realtime across two API processes on one PostgreSQL', () => {
  beforeAll(async () => {
    tdb = await testDb();
    logDir = mkdtempSync(path.join(os.tmpdir(), 'shop-realtime-nodes-'));
    const env: Record<string, string> = {
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      SANDBOX: 'on',
      SEED_DEMO: 'off',
      STATIC_DIR: path.join(logDir, 'no-static'),
      DATA_DIR: path.join(logDir, 'data'),
      JOB_INTERVAL_SCALE: '0.2',
      // One secret for both nodes (and for the tokens this test signs).
      TOKEN_SECRET: testConfig().tokenSecret,
      DATABASE_URL: `${tdb.databaseUrl}?options=${encodeURIComponent(`-c search_path=${tdb.schema}`)}`,
    };
    a = new ApiProcess({ port: await freePort(), env, logFile: path.join(logDir, 'a.log') });
    b = new ApiProcess({ port: await freePort(), env, logFile: path.join(logDir, 'b.log') });
    // A first: it runs the migrations.
    await a.start();
    await b.start();
  }, 120_000);

  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await tdb?.destroy();
    if (logDir && passed) rmSync(logDir, { recursive: true, force: true });
  });

  async function post<T>(node: ApiProcess, url: string, token: string, body?: unknown): Promise<T> {
    const res = await fetch(`${node.baseUrl}${url}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': `rtn-${Date.now()}-${Math.random()}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${url}: ${res.status} ${text}\nA:\n${a.logTail(20)}\nB:\n${b.logTail(20)}`);
    return JSON.parse(text) as T;
  }

  it('an event produced on node A reaches a client on node B; a client away meanwhile catches up on reconnect', async () => {
    const { userId, token } = await userToken(tdb.db, testConfig().tokenSecret);
    const topic = `user:${userId}`;
    const sku = await makeSku(tdb.db, { stock: 10, price: 1200 });

    const onB = await signedInSocket(realtimeUrl(b.baseUrl), token);
    onB.send({ op: 'sub', topic });
    await onB.next((f) => f.op === 'subscribed');

    const order = (body: string) => post<ParentOrder>(a, '/api/orders', token, { items: [{ skuId: sku.skuId, quantity: 1 }], fulfilment: { type: 'pickup', contactName: body, contactPhone: '13800138000' } });
    const parent = await order('张三');
    const cancelledAt = Date.now();
    await post(a, `/api/orders/${parent.children[0].id}/cancel`, token);
    const pushed = await onB.next((f) => f.op === 'event' && f.type === 'order.cancelled', DELIVERY_BOUND_MS);
    const latency = Date.now() - cancelledAt;
    expect(pushed).toMatchObject({ topic, version: 1, data: { orderId: parent.children[0].id, status: 'cancelled' } });
    expect(latency).toBeLessThan(DELIVERY_BOUND_MS);

    // Away: the socket closes; another order is placed and cancelled on A meanwhile.
    onB.close();
    await onB.closed;
    const second = await order('李四');
    await post(a, `/api/orders/${second.children[0].id}/cancel`, token);
    // Wait until the message is stored (by either node's relay).
    const deadline = Date.now() + DELIVERY_BOUND_MS;
    while (Date.now() < deadline) {
      const row = await tdb.db.selectFrom('realtime_messages').select('version').where('topic', '=', topic).where('version', '=', 2).executeTakeFirst();
      if (row) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const back = await signedInSocket(realtimeUrl(b.baseUrl), token);
    back.send({ op: 'sub', topic, version: 1 });
    expect(await back.next((f) => f.op === 'event')).toMatchObject({ version: 2, type: 'order.cancelled', data: { orderId: second.children[0].id, status: 'cancelled' } });
    expect(await back.next((f) => f.op === 'subscribed')).toEqual({ op: 'subscribed', topic, version: 2 });
    back.close();
    passed = true;
  }, 60_000);

  it('a staff member removed on node A loses the merchant\'s topic on node B at once', async () => {
    passed = false;
    const merchantId = await makeMerchant(tdb.db, 'm_rtn');
    const owner = await userToken(tdb.db, testConfig().tokenSecret);
    const member = await userToken(tdb.db, testConfig().tokenSecret);
    await addStaff(tdb.db, merchantId, owner.userId, 'owner');
    const staffId = await addStaff(tdb.db, merchantId, member.userId, 'operator');
    const topic = `merchant:${merchantId}`;
    const onB = await signedInSocket(realtimeUrl(b.baseUrl), member.token);
    onB.send({ op: 'sub', topic });
    await onB.next((f) => f.op === 'subscribed');

    const removedAt = Date.now();
    const res = await fetch(`${a.baseUrl}/api/merchants/${merchantId}/staff/${staffId}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${owner.token}`, 'idempotency-key': `rtn-${Date.now()}` },
    });
    expect(res.status).toBe(200);
    expect(await onB.next((f) => f.op === 'error', DELIVERY_BOUND_MS)).toEqual({ op: 'error', code: 'TOPIC_FORBIDDEN', topic, message: 'this topic is no longer yours' });
    expect(Date.now() - removedAt).toBeLessThan(DELIVERY_BOUND_MS);
    onB.close();
    passed = true;
  }, 60_000);

  it('a volatile event published by another node reaches a guest on node B; B\'s count reaches that node', async () => {
    passed = false;
    // This test process is the publishing node: its own volatile channel on the same database.
    const here = nodeVolatile({ transport: postgresVolatileTransport(tdb.db, { warn: () => undefined, error: () => undefined }) });
    here.attach({ deliver: () => undefined, count: () => 0 });
    await here.start();
    try {
      const topic = 'live:ls_rtn';
      const guest = await openSocket(realtimeUrl(b.baseUrl));
      guest.send({ op: 'auth', guest: true });
      expect(await guest.next((f) => f.op === 'ready')).toEqual({ op: 'ready', userId: null });
      guest.send({ op: 'sub', topic });
      await guest.next((f) => f.op === 'subscribed');
      const data = { sessionId: 'ls_rtn', viewers: 1, likes: 0, at: Date.now() };
      const sentAt = Date.now();
      here.publish(topic, 'live.stats', data);
      expect(await guest.next((f) => f.op === 'event', DELIVERY_BOUND_MS)).toEqual({ op: 'event', topic, type: 'live.stats', data, volatile: true });
      expect(Date.now() - sentAt).toBeLessThan(DELIVERY_BOUND_MS);
      const deadline = Date.now() + DELIVERY_BOUND_MS;
      while (here.subscribers(topic) < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(here.subscribers(topic)).toBe(1);
      guest.close();
    } finally {
      await here.stop();
    }
    passed = true;
  }, 60_000);
});

