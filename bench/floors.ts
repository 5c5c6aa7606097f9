/**
 * Floors of a full checkout: `npm run bench:floors` (or `npx tsx bench/floors.ts`).
 *
 * bench/checkout.ts measures the real app. This file measures what this machine can do at
 * best for the parts a checkout cannot avoid, with no application logic at all, so the
 * distance between the app and its targets can be split into "the app's own cost" and
 * "what the machine allows at all":
 *
 *   1. SQL floor, SQLite: one checkout's statements as the app runs them on SQLite (the same
 *      texts, tables and rows per multi-row insert, the same transactions: the idempotency
 *      inserts/updates and the prepay update as autocommit writes, createOrder, createPayment,
 *      the notification and the outbox order consumer as transactions), with raw
 *      better-sqlite3 on a freshly migrated database, every statement prepared once, run
 *      single-threaded. Group commit as the app does it (one outer BEGIN IMMEDIATE, each app
 *      transaction a SAVEPOINT / RELEASE), committed every 16 checkouts (the best case), and
 *      every 16 transactions and writes (what the app reaches today: 14.7 per commit in
 *      BENCH_SQLSTATS of bench/checkout.ts). SQLite's automatic WAL checkpoints (see sqliteFloor).
 *   2. SQL floor, PostgreSQL: the same statements (plus the FOR UPDATE lock createPayment takes
 *      on PostgreSQL only) as a pgbench script, one script run = one checkout, 16 clients:
 *      (a) one round trip per statement, the app's shape today; (b) each transaction sent as
 *      one compound command (`\;`), the best case of server-side batching or functions.
 *   3. HTTP floor: a bare Fastify app in a child process with the checkout's requests
 *      (orders, payments with one outbound call to a stand-in of the channel on the same
 *      server, notifications), driven by autocannon with 32 connections; the outbound call via
 *      global fetch and via node:http with a keep-alive agent.
 *
 * The statement texts below are the ones Kysely compiles in the app (captured from one
 * checkout of bench/checkout.ts); the app is not imported, so a change there does not move
 * these floors. A report, never a pass/fail test. Environment: BENCH_FLOOR_CHECKOUTS
 * (checkouts per SQLite and HTTP run, default 20000), BENCH_FLOOR_PG_SECONDS (per pgbench
 * run, default 10), BENCH_FLOOR_PG_CLIENTS (default 16), BENCH_FLOOR_PARTS (`sql`, `http`, or
 * both, the default), BENCH_JSON (a file for the results, machine-readable), DATABASE_URL
 * (PostgreSQL; default the local test database).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import SQLite from 'better-sqlite3';
import Fastify from 'fastify';
import { sql } from 'kysely';
import { migrateToLatest, type Db } from '../server/db';
import { seedIfEmpty } from '../server/seed';
import { PG_URL, withPostgres, withSqlite } from './databases';
import { LEDGER_SHARDS } from '../server/modules/wallet/ledger';
import type { SkuSnapshot } from '../server/modules/catalog/service';
import { autocannon, childCpuMs, forkServer, postgresProcesses, procCpuMs } from './support';

/** Checkouts per relay pass: the app's relay read ran 38 times for 1248 checkouts. */
const RELAY_EVERY = 32;
const CONNECTIONS = 32;
/** A multiple of the relay batch and of the connections (autocannon gives each connection the same count). */
const CHECKOUTS = Math.max(1, Math.round(Number(process.env.BENCH_FLOOR_CHECKOUTS ?? 20_000) / 32)) * 32;
const WARMUP = 1024;
const PG_SECONDS = Number(process.env.BENCH_FLOOR_PG_SECONDS ?? 10);
const PG_WARMUP_SECONDS = 3;
const PG_CLIENTS = Number(process.env.BENCH_FLOOR_PG_CLIENTS ?? 16);
/** Which floors to measure: `sql` (SQLite and PostgreSQL), `http`; default both. */
const PARTS = new Set((process.env.BENCH_FLOOR_PARTS ?? 'sql,http').split(',').map((p) => p.trim()));
/** One shopper per pgbench client (the app's bench uses a fresh shopper per checkout: no shared user rows). */
const USERS = 32;
const SKUS = 20;
/** ¥300: ¥50 of points, ¥200 of balance, ¥50 through the channel, as bench/checkout.ts buys. */
const PRICE = 30_000;
const POINTS = 5_000;
const BALANCE = 20_000;
const CHANNEL = PRICE - POINTS - BALANCE;
const NOW = Date.now();
const EXPIRES = NOW + 15 * 60 * 1000;
/** 64 hex characters, the size of the app's request hashes. */
const HASH = randomBytes(32).toString('hex');

// ---------------------------------------------------------------------------------------------
// One checkout's statements, as the app's Kysely compiles them for SQLite (`?` parameters)

const SQL = {
  idemInsert: `insert into "idempotency_keys" ("scope", "key", "route", "request_hash", "state", "response_status", "response_body", "created_at", "updated_at") values (?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict ("scope", "key", "route") do nothing`,
  idemDone: `update "idempotency_keys" set "state" = ?, "response_status" = ?, "response_body" = ?, "updated_at" = ? where "scope" = ? and "key" = ? and "route" = ?`,
  parentByKey: `select "id" from "parent_orders" where "user_id" = ? and "idempotency_key" = ?`,
  loadSkus: `select "s"."id" as "skuId", "s"."product_id" as "productId", "p"."merchant_id" as "merchantId", "m"."name" as "merchantName", "p"."title" as "title", "s"."spec_values" as "specValues", "p"."cover" as "image", "s"."price" as "price", "s"."original_price" as "originalPrice", "s"."stock" as "stock", "p"."on_shelf" as "onShelf" from "skus" as "s" inner join "products" as "p" on "p"."id" = "s"."product_id" inner join "merchants" as "m" on "m"."id" = "p"."merchant_id" where "s"."id" in (?)`,
  insertParent: `insert into "parent_orders" ("id", "user_id", "idempotency_key", "items_amount", "shipping_amount", "discount_amount", "payable_amount", "created_at", "expires_at") values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  reserveStock: `update "skus" set "stock" = "stock" - ?, "sales" = "sales" + ?, "updated_at" = ? where "id" = ? and "stock" >= ?`,
  skuProducts: `select "id", "product_id" from "skus" where "id" in (?)`,
  productSales: `update "products" set "sales" = "sales" + ?, "updated_at" = ? where "id" = ?`,
  insertOrder: `insert into "orders" ("id", "parent_id", "user_id", "merchant_id", "merchant_name", "status", "items_amount", "shipping_amount", "discount_amount", "payable_amount", "fulfilment", "ship_to", "remark", "created_at", "updated_at", "expires_at", "paid_at", "shipped_at", "completed_at", "ended_at", "paid_amount", "refunded_amount") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  insertLine: `insert into "order_lines" ("order_id", "line_no", "sku_id", "product_id", "title", "spec_text", "image", "unit_price", "quantity", "line_amount") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  insertEvent: `insert into "order_events" ("order_id", "seq", "status", "note", "at") values (?, ?, ?, ?, ?)`,
  parentOwned: `select "id" from "parent_orders" where "id" = ? and "user_id" = ?`,
  childOrders: `select * from "orders" where "parent_id" = ? order by "id"`,
  touchOrderIfPending: `update "orders" set "updated_at" = ? where "id" = ? and "status" = ?`,
  paidSoFar: `select "a"."order_id", sum("a"."amount") as "paid" from "payment_allocations" as "a" inner join "payments" as "p" on "p"."id" = "a"."payment_id" where "a"."order_id" in (?) and "p"."status" = ? group by "a"."order_id"`,
  openSamePayment: `select * from "payments" where "user_id" = ? and "order_id" = ? and "request_hash" = ? and "status" = ? and "amount" = ? and "expires_at" > ? order by "created_at" desc`,
  openPaymentsOf: `select distinct "po"."payment_id" as "id" from "payment_orders" as "po" where "po"."order_id" in (?) and exists (select "p"."id" from "payments" as "p" where "p"."id" = "po"."payment_id" and "p"."status" = ?) order by "po"."payment_id"`,
  /** PostgreSQL only (lockAccounts in server/modules/wallet/ledger.ts): SQLite has one writer. */
  lockAccounts: `select "id" from "ledger_accounts" where "id" in (?, ?, ?, ?, ?, ?, ?) order by id collate "C" for update`,
  journalByRef: `select "id" from "journal_transactions" where "ref" = ?`,
  walletBalances: `select "id", "balance" from "ledger_accounts" where "id" in (?, ?)`,
  insertPayment: `insert into "payments" ("id", "payment_no", "user_id", "order_id", "channel", "amount", "status", "trade_no", "created_at", "updated_at", "expires_at", "paid_at", "internal_amount", "channel_amount", "scene", "end_reason", "client_params", "request_hash", "app_id", "merchant_no", "ended_at", "next_check_at") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  insertPaymentOrder: `insert into "payment_orders" ("payment_id", "order_id", "amount") values (?, ?, ?)`,
  insertTenders: `insert into "payment_tenders" ("payment_id", "seq", "kind", "amount", "points", "gift_card_id", "account_id", "refunded_amount") values (?, ?, ?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?, ?, ?)`,
  insertAllocations: `insert into "payment_allocations" ("payment_id", "tender_seq", "order_id", "amount", "refunded_amount") values (?, ?, ?, ?, ?), (?, ?, ?, ?, ?), (?, ?, ?, ?, ?)`,
  insertJournal: `insert into "journal_transactions" ("id", "ref", "kind", "memo", "created_at") values (?, ?, ?, ?, ?) on conflict ("ref") do nothing returning "id"`,
  postToAccount: `update "ledger_accounts" set "balance" = balance + ? where "id" = ? and ("may_go_negative" = ? or balance + ? >= ?)`,
  insertEntries5: `insert into "journal_entries" ("tx_id", "seq", "account_id", "unit", "amount") values (?, ?, ?, ?, ?), (?, ?, ?, ?, ?), (?, ?, ?, ?, ?), (?, ?, ?, ?, ?), (?, ?, ?, ?, ?)`,
  payerOpenid: `select "openid", "platform" from "users" where "id" = ?`,
  storeClientParams: `update "payments" set "client_params" = ?, "updated_at" = ? where "id" = ? and "client_params" is null returning *`,
  tendersView: `select "t"."payment_id", "t"."seq", "t"."kind", "t"."amount", "t"."points", "g"."number" from "payment_tenders" as "t" left join "gift_cards" as "g" on "g"."id" = "t"."gift_card_id" where "t"."payment_id" in (?) order by "t"."payment_id", "t"."seq"`,
  paymentByNo: `select * from "payments" where "payment_no" = ?`,
  paymentById: `select * from "payments" where "id" = ?`,
  paymentOrders: `select "order_id", "amount" from "payment_orders" where "payment_id" = ? order by "order_id"`,
  lockOrder: `update "orders" set "updated_at" = "updated_at" where "id" = ?`,
  orderPayables: `select "id", "payable_amount" from "orders" where "id" in (?)`,
  markPaymentPaid: `update "payments" set "status" = ?, "updated_at" = ?, "paid_at" = ?, "trade_no" = ?, "next_check_at" = ?, "end_reason" = ?, "ended_at" = ? where "id" = ? and "status" in (?, ?)`,
  paymentMerchants: `select "po"."order_id", "po"."amount", "o"."merchant_id" from "payment_orders" as "po" inner join "orders" as "o" on "o"."id" = "po"."order_id" where "po"."payment_id" = ? order by "po"."order_id"`,
  insertEntries3: `insert into "journal_entries" ("tx_id", "seq", "account_id", "unit", "amount") values (?, ?, ?, ?, ?), (?, ?, ?, ?, ?), (?, ?, ?, ?, ?)`,
  insertOutboxEvent: `insert into "outbox_events" ("id", "type", "aggregate_id", "payload", "created_at") values (?, ?, ?, ?, ?)`,
  insertDelivery: `insert into "outbox_deliveries" ("event_id", "sink", "status", "attempts", "next_attempt_at", "locked_until", "last_error", "delivered_at") values (?, ?, ?, ?, ?, ?, ?, ?)`,
  insertNotification: `insert into "payment_notifications" ("id", "channel", "nonce", "payment_no", "status", "amount", "body", "received_at", "outcome", "kind") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  relayDue: `select "d"."event_id", "d"."sink", "d"."attempts", "e"."type", "e"."aggregate_id", "e"."payload", "e"."created_at" from "outbox_deliveries" as "d" inner join "outbox_events" as "e" on "e"."id" = "d"."event_id" where "d"."status" = ? and "d"."next_attempt_at" <= ? and ("d"."locked_until" is null or "d"."locked_until" <= ?) and "d"."sink" in (?) order by "d"."next_attempt_at", "d"."event_id" limit ?`,
  markDelivered: `update "outbox_deliveries" set "status" = ?, "attempts" = ?, "delivered_at" = ?, "locked_until" = ?, "last_error" = ? where "event_id" = ? and "sink" = ? and "status" = ? and "attempts" = ? and "next_attempt_at" <= ? and ("locked_until" is null or "locked_until" <= ?)`,
  consumeOnce: `insert into "consumed_events" ("consumer", "event_id", "consumed_at") values (?, ?, ?) on conflict ("consumer", "event_id") do nothing`,
  addPaidAmount: `update "orders" set "paid_amount" = paid_amount + ? where "id" = ?`,
  orderPaidState: `select "status", "paid_amount", "payable_amount" from "orders" where "id" = ?`,
  markOrderPaid: `update "orders" set "status" = ?, "updated_at" = ?, "paid_at" = ? where "id" = ? and "status" in (?)`,
  lastEventSeq: `select max("seq") as "seq" from "order_events" where "order_id" = ?`,
} as const;

type StatementName = keyof typeof SQL;
type Param = string | number | null;
type Stmt = readonly [StatementName, Param[]];
/** An autocommit read, an autocommit write (it joins the open commit group), or a transaction. */
type Step = { t: 'read'; s: Stmt } | { t: 'write'; s: Stmt } | { t: 'tx'; body: Stmt[] };

const PG_ONLY = new Set<StatementName>(['lockAccounts']);

type SkuFixture = Pick<SkuSnapshot, 'skuId' | 'productId' | 'merchantId' | 'merchantName' | 'title' | 'specText' | 'image'>;

interface CheckoutSteps {
  order: Step[];
  payment: Step[];
  notify: Step[];
  consume: Step[];
}

/** The answers the app stores for replay (and sends): sizes as the real ones (about 1 KB and 0.55 KB). */
function orderAnswer(sfx: string, sku: SkuFixture): unknown {
  const amounts = { itemsAmount: PRICE, shippingAmount: 0, discountAmount: 0, payableAmount: PRICE };
  return {
    id: `po_${sfx}`,
    status: 'pending_payment',
    amounts,
    createdAt: NOW,
    expiresAt: EXPIRES,
    children: [
      {
        id: `o_${sfx}`,
        parentId: `po_${sfx}`,
        merchantId: sku.merchantId,
        merchantName: sku.merchantName,
        status: 'pending_payment',
        lines: [{ skuId: sku.skuId, productId: sku.productId, title: sku.title, specText: sku.specText, image: sku.image, unitPrice: PRICE, quantity: 1, lineAmount: PRICE }],
        amounts,
        fulfilment: FULFILMENT,
        shipTo: shipTo(sku),
        remark: null,
        createdAt: NOW,
        expiresAt: EXPIRES,
        paidAt: null,
        paidAmount: 0,
        refundedAmount: 0,
        timeline: [{ status: 'pending_payment', at: NOW, note: '订单已提交，等待支付' }],
      },
    ],
  };
}

function paymentAnswer(sfx: string): unknown {
  return {
    id: `pay_${sfx}`,
    orderId: `po_${sfx}`,
    amount: PRICE,
    status: 'paying',
    tenders: [
      { kind: 'points', amount: POINTS, points: POINTS, giftCard: null },
      { kind: 'balance', amount: BALANCE, points: null, giftCard: null },
      { kind: 'channel', amount: CHANNEL, points: null, giftCard: null },
    ],
    channel: 'sandbox',
    channelAmount: CHANNEL,
    expiresAt: EXPIRES,
    paidAt: null,
    endReason: null,
    clientParams: clientParams(sfx),
  };
}

const FULFILMENT = { type: 'pickup', contactName: '压测', contactPhone: '13800138000' };
const shipTo = (sku: SkuFixture) => `${sku.merchantName} 自提门店（上海市 黄浦区 解放大道 520 号，营业时间 09:00-21:00）`;
const clientParams = (sfx: string) => ({ kind: 'sandbox', cashierUrl: `http://127.0.0.1:35549/sandbox/pay/P${sfx}`, paymentNo: `P${sfx}` });

/**
 * One checkout's steps. `sfx` makes every id of the checkout fresh (a counter on SQLite,
 * pgbench variables in the PostgreSQL script); the values have the app's sizes. `shard` is the
 * suffix of the shared accounts' shard (`~1`..`~16`), as the app spreads payments over them.
 */
function checkoutSteps(user: string, sfx: string, sku: SkuFixture, shard = ''): CheckoutSteps {
  const parent = `po_${sfx}`;
  const order = `o_${sfx}`;
  const pay = `pay_${sfx}`;
  const paymentNo = `P${sfx}`;
  const holdTx = `jtx_h${sfx}`;
  const captureTx = `jtx_c${sfx}`;
  const event = `evt_${sfx}`;
  const orderKey = `floor-o-${sfx}`;
  const payKey = `floor-p-${parent}`;
  const balance = `user_balance:${user}`;
  const points = `user_points:${user}`;
  const payable = `merchant_payable:${sku.merchantId}${shard}`;
  const read = (name: StatementName, p: Param[]): Step => ({ t: 'read', s: [name, p] });
  const write = (name: StatementName, p: Param[]): Step => ({ t: 'write', s: [name, p] });
  const noteBody = JSON.stringify({ paymentNo, tradeNo: `SBT${paymentNo}`, amount: CHANNEL, status: 'SUCCESS', paidAt: NOW, nonce: `n${sfx}`, timestamp: NOW });
  const eventPayload = JSON.stringify({ paymentId: pay, orderId: parent, userId: user, amount: PRICE, channel: 'sandbox', channelAmount: CHANNEL, paidAt: NOW, children: [{ orderId: order, amount: PRICE }] });
  return {
    order: [
      write('idemInsert', [user, orderKey, 'createOrder', HASH, 'in_progress', null, null, NOW, NOW]),
      read('parentByKey', [user, orderKey]),
      {
        t: 'tx',
        body: [
          ['loadSkus', [sku.skuId]],
          ['insertParent', [parent, user, orderKey, PRICE, 0, 0, PRICE, NOW, EXPIRES]],
          ['reserveStock', [1, 1, NOW, sku.skuId, 1]],
          ['skuProducts', [sku.skuId]],
          ['productSales', [1, NOW, sku.productId]],
          ['insertOrder', [order, parent, user, sku.merchantId, sku.merchantName, 'pending_payment', PRICE, 0, 0, PRICE, JSON.stringify(FULFILMENT), shipTo(sku), null, NOW, NOW, EXPIRES, null, null, null, null, 0, 0]],
          ['insertLine', [order, 0, sku.skuId, sku.productId, sku.title, sku.specText, sku.image, PRICE, 1, PRICE]],
          ['insertEvent', [order, 0, 'pending_payment', '订单已提交，等待支付', NOW]],
        ],
      },
      write('idemDone', ['done', 201, JSON.stringify(orderAnswer(sfx, sku)), NOW, user, orderKey, 'createOrder']),
    ],
    payment: [
      write('idemInsert', [user, payKey, 'createPayment', HASH, 'in_progress', null, null, NOW, NOW]),
      {
        t: 'tx',
        body: [
          ['parentOwned', [parent, user]],
          ['childOrders', [parent]],
          ['touchOrderIfPending', [NOW, order, 'pending_payment']],
          ['paidSoFar', [order, 'paid']],
          ['openSamePayment', [user, parent, HASH, 'paying', PRICE, NOW]],
          ['openPaymentsOf', [order, 'paying']],
          ['lockAccounts', [`funding:platform${shard}`, `payment_clearing:platform${shard}`, `points_expense:platform${shard}`, `points_issuance:platform${shard}`, balance, points, payable]],
          ['journalByRef', [`welcome:${user}`]],
          ['walletBalances', [balance, points]],
          ['insertPayment', [pay, paymentNo, user, parent, 'sandbox', PRICE, 'paying', null, NOW, NOW, EXPIRES, null, PRICE - CHANNEL, CHANNEL, 'mini', null, null, HASH, 'sandbox-app', 'sandbox-merchant', null, NOW + 60_000]],
          ['insertPaymentOrder', [pay, order, PRICE]],
          ['insertTenders', [pay, 0, 'points', POINTS, POINTS, null, points, 0, pay, 1, 'balance', BALANCE, 0, null, balance, 0, pay, 2, 'channel', CHANNEL, 0, null, null, 0]],
          ['insertAllocations', [pay, 0, order, POINTS, 0, pay, 1, order, BALANCE, 0, pay, 2, order, CHANNEL, 0]],
          ['insertJournal', [holdTx, `hold:${pay}`, 'hold', `payment ${paymentNo} created`, NOW]],
          // Accounts in id order, as post() updates them.
          ['postToAccount', [PRICE - CHANNEL, `payment_clearing:platform${shard}`, 1, PRICE - CHANNEL, 0]],
          ['postToAccount', [-POINTS, `points_expense:platform${shard}`, 1, -POINTS, 0]],
          ['postToAccount', [POINTS, `points_issuance:platform${shard}`, 1, POINTS, 0]],
          ['postToAccount', [-BALANCE, balance, 1, -BALANCE, 0]],
          ['postToAccount', [-POINTS, points, 1, -POINTS, 0]],
          ['insertEntries5', [holdTx, 0, `payment_clearing:platform${shard}`, 'fen', PRICE - CHANNEL, holdTx, 1, `points_expense:platform${shard}`, 'fen', -POINTS, holdTx, 2, `points_issuance:platform${shard}`, 'points', POINTS, holdTx, 3, balance, 'fen', -BALANCE, holdTx, 4, points, 'points', -POINTS]],
        ],
      },
      read('payerOpenid', [user]),
      write('storeClientParams', [JSON.stringify(clientParams(sfx)), NOW, pay]),
      read('tendersView', [pay]),
      write('idemDone', ['done', 201, JSON.stringify(paymentAnswer(sfx)), NOW, user, payKey, 'createPayment']),
    ],
    notify: [
      read('paymentByNo', [paymentNo]),
      {
        t: 'tx',
        body: [
          ['paymentById', [pay]],
          ['paymentOrders', [pay]],
          ['lockOrder', [order]],
          ['orderPayables', [order]],
          ['paidSoFar', [order, 'paid']],
          ['markPaymentPaid', ['paid', NOW, NOW, `SBT${paymentNo}`, null, null, null, pay, 'paying', 'closing']],
          ['paymentMerchants', [pay]],
          ['insertJournal', [captureTx, `capture:${pay}`, 'capture', `payment ${paymentNo} paid`, NOW]],
          ['postToAccount', [-CHANNEL, `channel_clearing:sandbox${shard}`, 1, -CHANNEL, 0]],
          ['postToAccount', [PRICE, payable, 1, PRICE, 0]],
          ['postToAccount', [-(PRICE - CHANNEL), `payment_clearing:platform${shard}`, 1, -(PRICE - CHANNEL), 0]],
          ['insertEntries3', [captureTx, 0, `channel_clearing:sandbox${shard}`, 'fen', -CHANNEL, captureTx, 1, payable, 'fen', PRICE, captureTx, 2, `payment_clearing:platform${shard}`, 'fen', -(PRICE - CHANNEL)]],
          ['insertOutboxEvent', [event, 'payment.succeeded', pay, eventPayload, NOW]],
          ['insertDelivery', [event, 'order', 'pending', 0, NOW, null, null, null]],
          ['insertNotification', [`ntf_${sfx}`, 'sandbox', `n${sfx}`, paymentNo, 'SUCCESS', CHANNEL, noteBody, NOW, 'applied', 'payment']],
        ],
      },
    ],
    consume: [
      {
        t: 'tx',
        body: [
          ['markDelivered', ['delivered', 1, NOW, null, null, event, 'order', 'pending', 0, NOW, NOW]],
          ['consumeOnce', ['order', event, NOW]],
          ['addPaidAmount', [PRICE, order]],
          ['orderPaidState', [order]],
          ['markOrderPaid', ['paid', NOW, NOW, order, 'pending_payment']],
          ['lastEventSeq', [order]],
          ['insertEvent', [order, 1, 'paid', '支付成功', NOW]],
        ],
      },
    ],
  };
}

const RELAY: Step = { t: 'read', s: ['relayDue', ['pending', NOW, NOW, 'order', 50]] };

function statementCount(steps: CheckoutSteps, dialect: 'sqlite' | 'postgres'): number {
  let n = 0;
  for (const list of [steps.order, steps.payment, steps.notify, steps.consume]) {
    for (const step of list) {
      if (step.t === 'tx') n += 2 + step.body.filter(([name]) => dialect === 'postgres' || !PG_ONLY.has(name)).length;
      else n += 1;
    }
  }
  return n;
}

// ---------------------------------------------------------------------------------------------
// Fixtures: the catalog (seedIfEmpty), shoppers and ledger accounts the statements touch

async function seedFixtures(db: Db): Promise<SkuFixture[]> {
  await migrateToLatest(db);
  await seedIfEmpty(db);
  const products = await db
    .selectFrom('products as p')
    .innerJoin('merchants as m', 'm.id', 'p.merchant_id')
    .select(['p.id', 'p.title', 'p.cover', 'p.merchant_id', 'm.name'])
    .where('p.on_shelf', '=', 1)
    .orderBy('p.position')
    .limit(SKUS)
    .execute();
  const skus: SkuFixture[] = [];
  for (const p of products) {
    const sku = await db.selectFrom('skus').select(['id', 'spec_values']).where('product_id', '=', p.id).orderBy('id').executeTakeFirstOrThrow();
    skus.push({ skuId: sku.id, productId: p.id, merchantId: p.merchant_id, merchantName: p.name, title: p.title, specText: (JSON.parse(sku.spec_values) as string[]).join(' / '), image: p.cover });
  }
  if (skus.length === 0) throw new Error('the demo shop has no products');
  await db.updateTable('skus').set({ price: PRICE, stock: 1_000_000_000 }).where('id', 'in', skus.map((s) => s.skuId)).execute();

  const now = Date.now();
  const users = Array.from({ length: USERS }, (_, i) => `u_floor_${i}`);
  await db
    .insertInto('users')
    .values(users.map((id) => ({ id, platform: 'weapp', openid: `o_${id}`, unionid: null, phone: null, nickname: '压测', avatar: null, created_at: now, updated_at: now })))
    .execute();
  // Balances large enough that no guarded posting ever misses (a miss would skip the write).
  const BIG = 1e15;
  const account = (id: string, kind: string, ownerId: string, unit: string, mayGoNegative: number) => ({ id, kind, owner_id: ownerId, unit, balance: BIG, may_go_negative: mayGoNegative, created_at: now });
  const merchants = [...new Set(skus.map((s) => s.merchantId))];
  await db
    .insertInto('ledger_accounts')
    .values([
      ...users.flatMap((u) => [account(`user_balance:${u}`, 'user_balance', u, 'fen', 0), account(`user_points:${u}`, 'user_points', u, 'points', 0)]),
      // The shared accounts' shards ~1..~16 (server/modules/wallet/ledger.ts, LEDGER_SHARDS).
      ...Array.from({ length: LEDGER_SHARDS }, (_, k) => `~${k + 1}`).flatMap((sh) => [
        ...merchants.map((m) => account(`merchant_payable:${m}${sh}`, 'merchant_payable', `${m}${sh}`, 'fen', 0)),
        account(`payment_clearing:platform${sh}`, 'payment_clearing', `platform${sh}`, 'fen', 0),
        account(`points_expense:platform${sh}`, 'points_expense', `platform${sh}`, 'fen', 1),
        account(`points_issuance:platform${sh}`, 'points_issuance', `platform${sh}`, 'points', 1),
        account(`funding:platform${sh}`, 'funding', `platform${sh}`, 'fen', 1),
        account(`channel_clearing:sandbox${sh}`, 'channel_clearing', `sandbox${sh}`, 'fen', 1),
      ]),
    ])
    .execute();
  // The welcome grant the app looks up in createPayment (found, as for the bench's shoppers).
  await db
    .insertInto('journal_transactions')
    .values(users.map((u) => ({ id: `jtx_welcome_${u}`, ref: `welcome:${u}`, kind: 'welcome', memo: 'welcome grant', created_at: now })))
    .execute();
  return skus;
}

// ---------------------------------------------------------------------------------------------
// 1. SQL floor, SQLite

interface SqliteResult {
  label: string;
  checkouts: number;
  /** Wall time of the statements alone (building the parameters excluded). */
  sqlSeconds: number;
  /** Process CPU over the same spans. */
  cpuMs: number;
  buildSeconds: number;
  commits: number;
  statements: number;
  paid: number;
}

/**
 * Runs the checkouts the way the app's group commit does: a write outside a transaction opens
 * the group (BEGIN IMMEDIATE) when none is open, each app transaction is a savepoint, and the
 * group commits after `writersPerCommit` transactions and autocommit writes.
 */
class GroupRunner {
  private readonly run: Record<string, (p: Param[]) => unknown> = {};
  private readonly begin: SQLite.Statement;
  private readonly commit: SQLite.Statement;
  private readonly savepoint: SQLite.Statement;
  private readonly release: SQLite.Statement;
  private open = false;
  private writers = 0;
  commits = 0;
  statements = 0;

  constructor(db: SQLite.Database, private readonly writersPerCommit: number) {
    for (const [name, text] of Object.entries(SQL)) {
      if (PG_ONLY.has(name as StatementName)) continue;
      const stmt = db.prepare(text);
      // As Kysely's driver: rows from all() for statements that return rows, run() otherwise.
      this.run[name] = stmt.reader ? (p) => stmt.all(p) : (p) => stmt.run(p);
    }
    this.begin = db.prepare('begin immediate');
    this.commit = db.prepare('commit');
    this.savepoint = db.prepare('savepoint group_tx');
    this.release = db.prepare('release group_tx');
  }

  steps(list: readonly Step[]): void {
    for (const step of list) {
      if (step.t === 'read') {
        this.run[step.s[0]](step.s[1]);
        this.statements += 1;
        continue;
      }
      if (!this.open) {
        this.begin.run();
        this.open = true;
        this.statements += 1;
      }
      if (step.t === 'write') {
        this.run[step.s[0]](step.s[1]);
        this.statements += 1;
      } else {
        this.savepoint.run();
        for (const [name, p] of step.body) {
          if (PG_ONLY.has(name)) continue;
          this.run[name](p);
          this.statements += 1;
        }
        this.release.run();
        this.statements += 2;
      }
      if (++this.writers % this.writersPerCommit === 0) this.flush();
    }
  }

  flush(): void {
    if (!this.open) return;
    this.commit.run();
    this.open = false;
    this.commits += 1;
    this.statements += 1;
  }
}

function sqliteRun(db: SQLite.Database, skus: SkuFixture[], label: string, writersPerCommit: number, checkouts: number, tag: string): SqliteResult {
  const runner = new GroupRunner(db, writersPerCommit);
  let sqlNs = 0n;
  let buildNs = 0n;
  let cpuUs = 0;
  for (let b = 0; b < checkouts / RELAY_EVERY; b++) {
    const t0 = process.hrtime.bigint();
    const batch: CheckoutSteps[] = [];
    for (let j = 0; j < RELAY_EVERY; j++) {
      const i = b * RELAY_EVERY + j;
      batch.push(checkoutSteps(`u_floor_${i % USERS}`, `${tag}${String(i).padStart(18, '0')}`, skus[i % skus.length], `~${(i % LEDGER_SHARDS) + 1}`));
    }
    const c0 = process.cpuUsage();
    const t1 = process.hrtime.bigint();
    // The app's order: orders and payments, then the channel's notifications, then one relay
    // pass that finds their deliveries, then the order consumer for each.
    for (const c of batch) {
      runner.steps(c.order);
      runner.steps(c.payment);
    }
    for (const c of batch) runner.steps(c.notify);
    runner.steps([RELAY]);
    for (const c of batch) runner.steps(c.consume);
    const t2 = process.hrtime.bigint();
    const c1 = process.cpuUsage(c0);
    cpuUs += c1.user + c1.system;
    buildNs += t1 - t0;
    sqlNs += t2 - t1;
  }
  const t = process.hrtime.bigint();
  runner.flush();
  sqlNs += process.hrtime.bigint() - t;
  const paid = db.prepare(`select count(*) as n from "orders" where "status" = 'paid' and "id" like ?`).get(`o_${tag}%`) as { n: number };
  return { label, checkouts, sqlSeconds: Number(sqlNs) / 1e9, cpuMs: cpuUs / 1000, buildSeconds: Number(buildNs) / 1e9, commits: runner.commits, statements: runner.statements, paid: paid.n };
}

async function sqliteFloor(): Promise<SqliteResult[]> {
  return withSqlite(async ({ db: kdb, sqlitePath }) => {
    const skus = await seedFixtures(kdb);
    if (!sqlitePath) throw new Error('no SQLite path');
    // The app's pragmas (server/db/index.ts createDb), on a connection of our own. Checkpoints
    // stay SQLite's automatic ones (inside a commit every 1000 pages, paid on this thread): with
    // the app's SQLITE_CHECKPOINT=background (none on this connection, PASSIVE ones from a
    // worker) and a commit group that is almost always open, a checkpoint never catches up
    // between a COMMIT and the next BEGIN, so the WAL never restarts: it grew to 5.3 GB over
    // 40,000 checkouts in a trial run, which no floor should depend on.
    const db = new SQLite(sqlitePath);
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    const results: SqliteResult[] = [];
    try {
      const perCheckout = 9; // 4 autocommit idempotency writes, the prepay update, 4 transactions
      sqliteRun(db, skus, 'warm-up', 16 * perCheckout, WARMUP, 'w');
      results.push(sqliteRun(db, skus, 'commit every 16 checkouts', 16 * perCheckout, CHECKOUTS, 'a'));
      results.push(sqliteRun(db, skus, 'commit every 16 transactions (as the app groups them)', 16, CHECKOUTS, 'b'));
    } finally {
      db.close();
    }
    return results;
  });
}

// ---------------------------------------------------------------------------------------------
// 2. SQL floor, PostgreSQL (pgbench)

function pgLiteral(v: Param): string {
  if (v === null) return 'null';
  if (typeof v === 'number') return String(v);
  return `'${v.replace(/'/g, "''")}'`;
}

/** The app's statement with its parameters written in (pgbench's simple protocol has no binds). */
function pgText([name, params]: Stmt): string {
  let i = 0;
  const text = SQL[name].replace(/\?/g, () => pgLiteral(params[i++]));
  if (i !== params.length) throw new Error(`${name}: ${params.length} parameters for ${i} placeholders`);
  return text;
}

/**
 * One checkout as a pgbench script. Ids are fresh per run of the script: `:run` (the round),
 * `:client_id` and `:k`, a per-client counter (pgbench keeps a client's variables from one
 * run of the script to the next), so no insert can collide and the script never fails.
 * pgbench substitutes `:name` inside quoted literals too, and leaves names it does not know
 * (`:platform` in account ids, `:null` in the stored JSON answers) as they are.
 */
function pgbenchScript(sku: SkuFixture, compound: boolean): string {
  const steps = checkoutSteps('u_floor_:client_id', ':run-:client_id-:k', sku, '~:shard');
  const lines = ['\\set k :k + 1', `\\set shard random(1, ${LEDGER_SHARDS})`];
  const emit = (list: readonly Step[]) => {
    for (const step of list) {
      if (step.t !== 'tx') lines.push(`${pgText(step.s)};`);
      else if (compound) lines.push(['begin', ...step.body.map(pgText), 'commit;'].join(' \\;\n'));
      else lines.push('begin;', ...step.body.map((s) => `${pgText(s)};`), 'commit;');
    }
  };
  emit(steps.order);
  emit(steps.payment);
  emit(steps.notify);
  lines.push(`\\if :k % ${RELAY_EVERY} = 0`);
  emit([RELAY]);
  lines.push('\\endif');
  emit(steps.consume);
  return `${lines.join('\n')}\n`;
}

/**
 * CPU time the PostgreSQL processes that serve everyone have used so far (ms): the postmaster,
 * checkpointer, background writer, WAL writer and the like, not the client backends. Adapted
 * from postgresCpuMs in bench/checkout.ts, which sums every postgres process: here pgbench's
 * backends exit with it (so they are sampled while they run, see pgbenchRun), and the machine
 * is shared, so other sessions' backends must not count.
 */
function postgresServiceCpuMs(): number {
  let total = 0;
  for (const { pid, cpuMs } of postgresProcesses()) {
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    if (cmdline.includes('(') || cmdline.includes('[local]')) continue; // a client backend: "user db host(port) state"
    total += cpuMs;
  }
  return total;
}

interface PgResult {
  label: string;
  tps: number;
  checkouts: number;
  failed: number;
  postgresCpuMsPerCheckout: number;
  pgbenchCpuMsPerCheckout: number;
  latencyMs: number;
  seconds: number;
  paid: number;
  /** Where pgbench's backends were, sampled every 50 ms. */
  waits: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function pgbenchRun(db: Db, dir: string, schema: string, skus: SkuFixture[], compound: boolean, run: string, seconds: number, label: string): Promise<PgResult> {
  const files = skus.map((sku, i) => {
    const file = path.join(dir, `checkout-${compound ? 'compound' : 'statements'}-${i}.sql`);
    writeFileSync(file, pgbenchScript(sku, compound));
    return file;
  });
  // The simple protocol: compound commands need it, and like the app's node-postgres (unnamed
  // statements, parse/bind/execute each time) it plans every statement on every execution.
  const args = ['-n', '-M', 'simple', '-c', String(PG_CLIENTS), '-j', '2', '-T', String(seconds), '-D', 'k=0', '-D', `run=${run}`, ...files.flatMap((f) => ['-f', f]), PG_URL];
  const env = { ...process.env, PGOPTIONS: `-c search_path=${schema}` };
  const service0 = postgresServiceCpuMs();
  const w0 = performance.now();
  // `times` prints the CPU of the shell's children: pgbench's own share of the two cores.
  const child = spawn('bash', ['-c', 'pgbench "$@"; rc=$?; times; exit $rc', 'pgbench', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  let finished = false;
  const exit = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1))).finally(() => (finished = true));
  // pgbench's backends end with it, taking their CPU counters along: sample them while they run
  // (the last 50 ms of each are missed, under 1 % of a run).
  // The same samples say where the clients' time goes (pg_stat_activity's wait events).
  const backends = new Map<string, number>();
  const waits = new Map<string, number>();
  while (!finished) {
    const found = await sql<{ pid: number; t: string | null; e: string | null; state: string | null }>`select pid, wait_event_type as t, wait_event as e, state from pg_stat_activity where application_name = 'pgbench' and datname = current_database()`.execute(db);
    for (const row of found.rows) {
      if (!backends.has(String(row.pid))) backends.set(String(row.pid), 0);
      const what = waitCategory(row.t, row.e, row.state);
      waits.set(what, (waits.get(what) ?? 0) + 1);
    }
    for (const pid of backends.keys()) {
      const ms = procCpuMs(pid);
      if (ms !== null) backends.set(pid, ms);
    }
    await Promise.race([exit, sleep(50)]);
  }
  const status = await exit;
  const wallSeconds = (performance.now() - w0) / 1000;
  const cpuMs = [...backends.values()].reduce((a, b) => a + b, 0) + postgresServiceCpuMs() - service0;
  if (status !== 0) throw new Error(`pgbench exited with ${status}: ${stderr.slice(-2000)}`);
  const num = (re: RegExp) => Number(re.exec(stdout)?.[1] ?? NaN);
  const tps = num(/tps = ([\d.]+) \(without initial connection time\)/);
  const checkouts = num(/number of transactions actually processed: (\d+)/);
  const failed = num(/number of failed transactions: (\d+)/);
  const latencyMs = num(/latency average = ([\d.]+) ms/);
  const times = stdout.trim().split('\n').slice(-1)[0].match(/(\d+)m([\d.]+)s/g) ?? [];
  const pgbenchMs = times.map((t) => {
    const [, m, s] = /(\d+)m([\d.]+)s/.exec(t) ?? [];
    return (Number(m) * 60 + Number(s)) * 1000;
  });
  const paid = await db
    .selectFrom('orders')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'paid')
    .where('id', 'like', `o_${run}-%`)
    .executeTakeFirstOrThrow();
  return {
    label,
    tps,
    checkouts,
    failed: Number.isNaN(failed) ? 0 : failed,
    postgresCpuMsPerCheckout: cpuMs / checkouts,
    pgbenchCpuMsPerCheckout: (pgbenchMs[0] + pgbenchMs[1]) / checkouts,
    latencyMs,
    seconds: wallSeconds,
    paid: Number(paid.n),
    waits: shares(waits),
  };
}

function waitCategory(type: string | null, event: string | null, state: string | null): string {
  if (type === 'Lock') return 'row/tx locks';
  if ((type === 'IO' && event?.startsWith('WAL')) || (type === 'LWLock' && event?.startsWith('WAL'))) return 'WAL write/flush';
  if (type === 'Client' || state === 'idle' || state === 'idle in transaction') return 'waiting for pgbench';
  if (type === null) return 'running';
  return `${type}:${event ?? '?'}`;
}

/** "a 61%, b 20%, ..." from counts, largest first (the small rest summed as "other"). */
function shares(counts: Map<string, number>): string {
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  if (total === 0) return 'no samples';
  const sorted = [...counts].sort((a, b) => b[1] - a[1]);
  const shown = sorted.filter(([, n]) => n / total >= 0.03);
  const rest = total - shown.reduce((a, [, n]) => a + n, 0);
  return [...shown.map(([k, n]) => `${k} ${((n / total) * 100).toFixed(0)}%`), ...(rest > 0 ? [`other ${((rest / total) * 100).toFixed(0)}%`] : [])].join(', ');
}

/**
 * What planning alone costs per checkout: each statement of one checkout through EXPLAIN
 * (SUMMARY), which plans without executing; the best of 5 per statement. pgbench's simple
 * protocol (like the app's unnamed statements) plans every statement on every execution;
 * prepared statements or server-side functions would plan once per connection.
 */
async function planningMsPerCheckout(db: Db, sku: SkuFixture): Promise<number> {
  const steps = checkoutSteps('u_floor_0', 'plan-0-1', sku);
  const stmts = [...steps.order, ...steps.payment, ...steps.notify, RELAY, ...steps.consume].flatMap((s) => (s.t === 'tx' ? s.body : [s.s]));
  let total = 0;
  for (const stmt of stmts) {
    let best = Infinity;
    for (let i = 0; i < 5; i++) {
      const r = await sql.raw<{ 'QUERY PLAN': string }>(`explain (summary) ${pgText(stmt)}`).execute(db);
      const line = r.rows.map((row) => row['QUERY PLAN']).find((l) => l.startsWith('Planning Time'));
      best = Math.min(best, Number(/([\d.]+) ms/.exec(line ?? '')?.[1] ?? NaN));
    }
    total += best;
  }
  return total;
}

interface PgFloor {
  results: PgResult[];
  version: string;
  roundTrips: [number, number];
  planningMs: number;
  settings: string;
}

async function postgresFloor(): Promise<PgFloor | null> {
  let floor: PgFloor | null = null;
  await withPostgres(2, async ({ db, dir, pgSchema }) => {
    if (!pgSchema) throw new Error('no schema');
    const skus = await seedFixtures(db);
    const setting = async (name: string) => (await sql<{ v: string }>`select current_setting(${name}) as v`.execute(db)).rows[0]?.v ?? '?';
    const version = await setting('server_version');
    const settings = `synchronous_commit=${await setting('synchronous_commit')}, fsync=${await setting('fsync')}, autovacuum=${await setting('autovacuum')}`;
    const steps = checkoutSteps('u', 's', skus[0]);
    const statements = statementCount(steps, 'postgres');
    const roundTrips: [number, number] = [statements, [...steps.order, ...steps.payment, ...steps.notify, ...steps.consume].length];
    // A warm-up round, then statistics: the server may run without autovacuum (the local one
    // does), and without statistics the planner joins payment_allocations through every paid
    // payment (paidSoFar), a cost that grows with the table.
    await pgbenchRun(db, dir, pgSchema, skus, true, 'w', PG_WARMUP_SECONDS, 'warm-up');
    await sql`analyze`.execute(db);
    const results: PgResult[] = [];
    for (const [compound, run] of [[false, 'a'], [true, 'b']] as const) {
      const label = compound ? '(b) one compound command per transaction' : '(a) one round trip per statement';
      const r = await pgbenchRun(db, dir, pgSchema, skus, compound, run, PG_SECONDS, label);
      process.stderr.write(`  PostgreSQL ${r.label}: ${r.tps.toFixed(0)} checkouts/s, PostgreSQL CPU ${r.postgresCpuMsPerCheckout.toFixed(2)} ms/checkout\n`);
      results.push(r);
    }
    const planningMs = await planningMsPerCheckout(db, skus[0]);
    floor = { results, version, roundTrips, planningMs, settings };
    return [];
  });
  return floor;
}

// ---------------------------------------------------------------------------------------------
// 3. HTTP floor (child process: a bare Fastify app)

interface OrderRequest {
  items: { skuId: string; quantity: number }[];
}
interface PaymentRequest {
  orderId: string;
}
interface PrepayRequest {
  paymentNo: string;
}

const DEMO_SKU: SkuFixture = { skuId: 'sku_0033_01', productId: 'p_0033', merchantId: 'm_02', merchantName: '极客数码专营店', title: '空气炸锅', specText: '4L', image: '/images/p_0033-1.svg' };

function postViaHttp(agent: http.Agent, port: number, pathname: string, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: pathname, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function serveHttpFloor(client: string): Promise<void> {
  const app = Fastify({ logger: false });
  const agent = new http.Agent({ keepAlive: true });
  let port = 0;
  let seq = 0;
  const prepay =
    client === 'fetch'
      ? async (body: string) => {
          const res = await fetch(`http://127.0.0.1:${port}/channel/prepay`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
          return JSON.parse(await res.text()) as { cashierUrl: string };
        }
      : async (body: string) => JSON.parse(await postViaHttp(agent, port, '/channel/prepay', body)) as { cashierUrl: string };

  // The answers have the real ones' shapes and sizes (about 1 KB for an order, 0.55 KB for a
  // payment, as stored in idempotency_keys), since serialising them is part of the floor.
  app.post<{ Body: OrderRequest }>('/orders', async (req, reply) => {
    const sku = { ...DEMO_SKU, skuId: req.body.items[0]?.skuId ?? DEMO_SKU.skuId };
    reply.code(201);
    return orderAnswer(`h${++seq}`, sku);
  });
  app.post<{ Body: PaymentRequest }>('/payments', async (req, reply) => {
    const sfx = `${req.body.orderId}-${++seq}`;
    const answer = await prepay(JSON.stringify({ paymentNo: `P${sfx}`, amount: CHANNEL, description: '空气炸锅 4L 等 1 件商品', expiresAt: EXPIRES, returnUrl: null }));
    reply.code(201);
    return { ...(paymentAnswer(sfx) as object), clientParams: { kind: 'sandbox', cashierUrl: answer.cashierUrl, paymentNo: `P${sfx}` } };
  });
  app.post<{ Body: PrepayRequest }>('/channel/prepay', async (req) => ({ cashierUrl: `http://127.0.0.1:${port}/sandbox/pay/${req.body.paymentNo}`, expiresAt: EXPIRES }));
  app.post('/notify', async (_req, reply) => {
    reply.header('content-type', 'application/json; charset=utf-8').header('cache-control', 'no-store');
    return { code: 'SUCCESS' };
  });

  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address !== 'object') throw new Error('no address');
  port = address.port;
  process.on('message', (msg: unknown) => {
    if (msg === 'cpu') {
      const { user, system } = process.cpuUsage();
      process.send?.({ cpuMs: (user + system) / 1000 });
    } else if (msg === 'stop') {
      void app.close().then(() => {
        agent.destroy();
        process.exit(0);
      });
    }
  });
  process.send?.({ url: `http://127.0.0.1:${port}` });
}

function startChild(client: 'fetch' | 'http'): Promise<{ child: ChildProcess; url: string }> {
  return forkServer(__filename, ['--serve-http-floor', client]);
}


async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.send('stop');
  await exited;
}

interface HttpResult {
  label: string;
  checkouts: number;
  phase1Seconds: number;
  phase2Seconds: number;
  cpuMsPerCheckout: number;
  p99: [number, number];
  failures: number;
}

const TOKEN = randomBytes(96).toString('base64url');
const ORDER_BODY = JSON.stringify({ items: [{ skuId: DEMO_SKU.skuId, quantity: 1 }], fulfilment: FULFILMENT });
const NOTE_BODY = JSON.stringify({ paymentNo: 'P1796159384069144756', tradeNo: 'SBTP1796159384069144756', amount: CHANNEL, status: 'SUCCESS', paidAt: NOW, nonce: randomBytes(12).toString('hex'), timestamp: NOW });

async function httpRound(child: ChildProcess, url: string, n: number, label: string): Promise<HttpResult> {
  let failures = 0;
  // autocannon notices the end of an `amount` run only on its 1 s tick, so each phase ends at
  // its last answer, taken here (as bench/checkout.ts does).
  let last = 0;
  const onResponse = (status: number) => {
    last = performance.now();
    if (status >= 300) failures++;
  };
  const headers = (key: string) => ({ 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, 'idempotency-key': key });
  const cpu0 = await childCpuMs(child);
  const t0 = performance.now();
  const p1 = await autocannon({
    url,
    connections: CONNECTIONS,
    amount: 2 * n,
    timeout: 30,
    requests: [
      { method: 'POST', path: '/orders', headers: headers('floor-o-0123456789'), body: ORDER_BODY, onResponse },
      { method: 'POST', path: '/payments', headers: headers('floor-p-po_01M8SQ2AHB7FG0A4AZK9ED0189'), body: JSON.stringify({ orderId: 'po_01M8SQ2AHB7FG0A4AZK9ED0189', tenders: { balance: true, points: true }, channel: 'sandbox', scene: 'mini' }), onResponse },
    ],
  });
  const phase1Seconds = (last - t0) / 1000;
  const t1 = performance.now();
  const p2 = await autocannon({
    url,
    connections: CONNECTIONS,
    amount: n,
    timeout: 30,
    requests: [{ method: 'POST', path: '/notify', headers: { 'content-type': 'application/json', 'x-sandbox-signature': randomBytes(32).toString('hex') }, body: NOTE_BODY, onResponse }],
  });
  const phase2Seconds = (last - t1) / 1000;
  const cpu1 = await childCpuMs(child);
  return {
    label,
    checkouts: n,
    phase1Seconds,
    phase2Seconds,
    cpuMsPerCheckout: (cpu1 - cpu0) / n,
    p99: [p1.latency.p99, p2.latency.p99],
    failures: failures + p1.errors + p1.timeouts + p2.errors + p2.timeouts,
  };
}

async function httpFloor(): Promise<HttpResult[]> {
  const results: HttpResult[] = [];
  for (const client of ['fetch', 'http'] as const) {
    const label = client === 'fetch' ? 'outbound via global fetch' : 'outbound via node:http, keep-alive agent';
    const { child, url } = await startChild(client);
    try {
      await httpRound(child, url, WARMUP, 'warm-up');
      const r = await httpRound(child, url, CHECKOUTS, label);
      process.stderr.write(`  HTTP ${label}: ${(r.checkouts / (r.phase1Seconds + r.phase2Seconds)).toFixed(0)} checkouts/s, server CPU ${(r.cpuMsPerCheckout * 1000).toFixed(0)} µs/checkout\n`);
      results.push(r);
    } finally {
      await stopChild(child);
    }
  }
  return results;
}

// ---------------------------------------------------------------------------------------------
// Report

function table(head: string[], rows: string[][]): string {
  return [head, head.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

async function main(): Promise<void> {
  const started = performance.now();
  process.stderr.write(
    `Checkout floors: ${CHECKOUTS} checkouts per SQLite and HTTP run, pgbench ${PG_CLIENTS} clients x ${PG_SECONDS} s, node ${process.version}, ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}\n`,
  );
  const sqliteStatements = statementCount(checkoutSteps('u', 's', DEMO_SKU), 'sqlite');
  const sqlite = PARTS.has('sql') ? await sqliteFloor() : [];
  for (const r of sqlite) process.stderr.write(`  SQLite ${r.label}: ${(r.checkouts / r.sqlSeconds).toFixed(0)} checkouts/s, ${((r.sqlSeconds / r.checkouts) * 1e6).toFixed(0)} µs/checkout\n`);
  const pg = PARTS.has('sql') ? await postgresFloor() : null;
  const web = PARTS.has('http') ? await httpFloor() : [];
  if (process.env.BENCH_JSON) {
    // For bench/versus-floors.ts: the floors of this run, machine-readable.
    const json = {
      sqlite: sqlite.map((r) => ({ label: r.label, rate: r.checkouts / r.sqlSeconds })),
      postgres: (pg?.results ?? []).map((r) => ({ label: r.label, rate: r.tps, postgresCpuMsPerCheckout: r.postgresCpuMsPerCheckout })),
      http: web.map((r) => ({ label: r.label, rate: r.checkouts / (r.phase1Seconds + r.phase2Seconds), cpuMsPerCheckout: r.cpuMsPerCheckout })),
      planningMs: pg?.planningMs ?? null,
    };
    writeFileSync(process.env.BENCH_JSON, JSON.stringify(json));
  }

  const rows: string[][] = [];
  for (const r of sqlite) {
    const us = (r.sqlSeconds / r.checkouts) * 1e6;
    rows.push([
      '1. SQL, SQLite (1 thread)',
      r.label,
      (r.checkouts / r.sqlSeconds).toFixed(0),
      `${us.toFixed(0)} µs wall, ${((r.cpuMs / r.checkouts) * 1000).toFixed(0)} µs CPU`,
      `${r.paid}/${r.checkouts} paid; ${(r.statements / r.checkouts).toFixed(1)} statements/checkout (${sqliteStatements} + begin/commit + relay), ${(r.checkouts / r.commits).toFixed(2)} checkouts/commit; building the parameters (excluded) ${((r.buildSeconds / r.checkouts) * 1e6).toFixed(0)} µs/checkout`,
    ]);
  }
  for (const r of pg?.results ?? []) {
    if (!pg) continue;
    rows.push([
      `2. SQL, PostgreSQL ${pg.version}`,
      r.label,
      r.tps.toFixed(0),
      `${(r.postgresCpuMsPerCheckout * 1000).toFixed(0)} µs PostgreSQL CPU (+ ${(r.pgbenchCpuMsPerCheckout * 1000).toFixed(0)} µs pgbench)`,
      `${r.checkouts} checkouts in ${PG_SECONDS} s (${r.paid} paid, ${r.failed} failed), ${PG_CLIENTS} clients, latency ${r.latencyMs.toFixed(1)} ms/checkout; ${r.label.startsWith('(a)') ? pg.roundTrips[0] : pg.roundTrips[1]} round trips/checkout; clients sampled: ${r.waits}; ${pg.settings}`,
    ]);
  }
  for (const r of web) {
    const rate = r.checkouts / (r.phase1Seconds + r.phase2Seconds);
    rows.push([
      '3. HTTP, bare Fastify',
      r.label,
      rate.toFixed(0),
      `${(r.cpuMsPerCheckout * 1000).toFixed(0)} µs server CPU`,
      `orders+payments ${r.phase1Seconds.toFixed(2)} s (${((2 * r.checkouts) / r.phase1Seconds).toFixed(0)} req/s), notifications ${r.phase2Seconds.toFixed(2)} s (${(r.checkouts / r.phase2Seconds).toFixed(0)} req/s), p99 ${r.p99[0]} / ${r.p99[1]} ms, ${CONNECTIONS} connections, failures ${r.failures}`,
    ]);
  }
  process.stdout.write(`\n${table(['floor', 'variant', 'checkouts/s', 'CPU per checkout', 'detail'], rows)}\n`);

  // Summary: what the floors add up to on the app's one thread (SQLite) or the two cores (PostgreSQL).
  const lines: string[] = ['', 'Summary'];
  const httpCpuUs = (r: HttpResult | undefined) => (r ? r.cpuMsPerCheckout * 1000 : NaN);
  const viaHttp = web.find((r) => r.label.includes('node:http'));
  const viaFetch = web.find((r) => r.label.includes('fetch'));
  for (const r of sqlite) {
    const sqlUs = (r.sqlSeconds / r.checkouts) * 1e6;
    const floor = sqlUs + httpCpuUs(viaHttp);
    lines.push(
      `- SQLite, ${r.label}: SQL ${sqlUs.toFixed(0)} µs + HTTP ${httpCpuUs(viaHttp).toFixed(0)} µs (node:http; fetch ${httpCpuUs(viaFetch).toFixed(0)} µs) = ${floor.toFixed(0)} µs per checkout on one thread -> ceiling ${(1e6 / floor).toFixed(0)} checkouts/s (target 1000/s needs <= 1000 µs of everything on that thread)`,
    );
  }
  const best = pg?.results.find((r) => r.label.startsWith('(b)'));
  const today = pg?.results.find((r) => r.label.startsWith('(a)'));
  if (pg && best && today) {
    const dbMs = best.postgresCpuMsPerCheckout;
    const withHttp = dbMs + httpCpuUs(viaHttp) / 1000;
    lines.push(
      `- PostgreSQL: database CPU ${dbMs.toFixed(2)} ms per checkout at best (compound; ${today.postgresCpuMsPerCheckout.toFixed(2)} ms with one round trip per statement); 2 cores = 2000 ms/s -> ceiling ${(2000 / dbMs).toFixed(0)} checkouts/s for the database alone, ${(2000 / withHttp).toFixed(0)}/s with the HTTP floor (${(httpCpuUs(viaHttp) / 1000).toFixed(2)} ms) on the same cores (target 500/s needs <= 4 ms per checkout in all)`,
      `  of which planning every statement again on every execution: ${pg.planningMs.toFixed(2)} ms per checkout (EXPLAIN SUMMARY, idle server), which prepared statements or server-side functions would not pay; measured: ${best.tps.toFixed(0)} checkouts/s compound with the database at ${((best.tps * dbMs) / 20).toFixed(0)}% of the 2 cores`,
    );
  } else {
    lines.push('- PostgreSQL: not measured (not reachable)');
  }
  lines.push(`(total run time ${((performance.now() - started) / 1000).toFixed(0)} s, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')})`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

const mode = process.argv[2];
const entry = mode === '--serve-http-floor' ? () => serveHttpFloor(process.argv[3] ?? 'http') : main;
entry().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
