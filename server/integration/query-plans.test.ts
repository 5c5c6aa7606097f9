import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import type { ParentOrder } from '@contract/order';
import type { Payment } from '@contract/payment';
import { SIGNATURE_HEADER, devpayKey, signNotification } from '../channels/devpay/wire';
import { dialectOfDb } from '../db';
import { makeSku, userToken } from '../modules/order/testing';
import { testApp, type TestApp } from '../test/app';

/**
 * The query plans of a checkout's statements on SQLite. SQLite plans from its own rules (the
 * app does not keep statistics for it), so a statement that reads the right rows can still
 * reach them through an index over a whole table: the open-payments read of a new payment once
 * walked every paying payment through the status index (0.22 ms per checkout with 3,000
 * payments open), which only a benchmark under load showed. This test runs one full checkout
 * (order, payment with balance, points and the channel, signed notification), asks SQLite for
 * the plan of every statement it ran, and refuses a plan that scans a table or searches the
 * payments by status: the checkout's path finds every row from a key it holds.
 * PostgreSQL plans from statistics gathered on real data; its plans are not fixed here.
 */
type Prepare = (this: Database.Database, text: string) => Database.Statement;
const proto = Database.prototype as unknown as { prepare: Prepare };
const originalPrepare = proto.prepare;
const ran = new Map<string, Database.Database>();
let recording = false;

beforeAll(() => {
  proto.prepare = function (this: Database.Database, text: string) {
    const stmt = originalPrepare.call(this, text);
    for (const method of ['run', 'all', 'get', 'iterate'] as const) {
      const original = stmt[method] as (...args: unknown[]) => unknown;
      (stmt as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
        if (recording) ran.set(text, this);
        return original.apply(stmt, args);
      };
    }
    return stmt;
  };
});
afterAll(() => {
  proto.prepare = originalPrepare;
});

let t: TestApp;
beforeAll(async () => {
  t = await testApp({ seed: false });
});
afterAll(async () => {
  await t.close();
});

/** Statements that are not queries of a table (transaction control, savepoints). */
const CONTROL = /^(begin|commit|rollback|savepoint|release|pragma)\b/i;

function planOf(db: Database.Database, text: string): string[] {
  const params = (text.match(/\?/g) ?? []).map(() => null);
  const rows = originalPrepare.call(db, `explain query plan ${text}`).all(...params) as { detail: string }[];
  return rows.map((r) => r.detail);
}

it('every statement of a full checkout reaches its rows by a key (SQLite)', async () => {
  if (dialectOfDb(t.db) !== 'sqlite') return;
  const s = await userToken(t.db, t.config.tokenSecret);
  // More than the welcome grant's balance and points, so the channel pays a part too.
  const sku = await makeSku(t.db, { price: 300_00 });
  recording = true;
  const order = await t.post<ParentOrder>('/api/orders', { items: [{ skuId: sku.skuId, quantity: 1 }], fulfilment: { type: 'pickup', contactName: '赵六', contactPhone: '13600136000' } }, { token: s.token, idempotencyKey: `qp-${randomBytes(6).toString('hex')}` });
  expect(order.status).toBe(201);
  const pay = await t.post<Payment>('/api/payments', { orderId: order.body.id, tenders: { balance: true, points: true }, channel: 'sandbox' }, { token: s.token, idempotencyKey: `qp-${randomBytes(6).toString('hex')}` });
  expect(pay.status).toBe(201);
  if (pay.body.clientParams?.kind !== 'sandbox') throw new Error(`no sandbox params: ${JSON.stringify(pay.body)}`);
  const now = Date.now();
  const n = { paymentNo: pay.body.clientParams.paymentNo, tradeNo: `T${now}`, amount: pay.body.channelAmount, status: 'SUCCESS', paidAt: now, nonce: randomBytes(8).toString('hex'), timestamp: now };
  const text = JSON.stringify(n);
  const notified = await fetch(`${t.baseUrl}/notify/sandbox`, { method: 'POST', headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signNotification(devpayKey(t.config), n.timestamp, n.nonce, text) }, body: text });
  expect(notified.status).toBe(200);
  recording = false;

  const statements = [...ran].filter(([text]) => !CONTROL.test(text.trim()));
  expect(statements.length).toBeGreaterThan(20);
  const offending: string[] = [];
  for (const [text, db] of statements) {
    const plan = planOf(db, text);
    const bad = plan.filter((line) => /^SCAN (?!CONSTANT ROW|\d+-ROW VALUES CLAUSE)/.test(line) || /payments_status_check_idx/.test(line));
    if (bad.length > 0) offending.push(`${text.slice(0, 160)}\n    ${plan.join(' | ')}`);
  }
  expect(offending).toEqual([]);
});
