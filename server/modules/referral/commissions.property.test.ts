import fc from 'fast-check';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/types';
import { testDb, type TestDb } from '../../test/db';
import { earnedOn, BASIS_POINTS } from './amounts';
import { unfreezeDueCommissions } from './jobs';
import { earningsOf } from './reads';
import { bindChain, commissionsOf, complete, ledgerProblems, merchantWithRules, pay, placeOrder, refund, uniq, withdrawAll } from './testing';

/**
 * For any cart, quantities, rates and sequence of partial refunds (interleaved with completion,
 * unfreezing and withdrawals): the commissions at every level never exceed the configured share
 * of what was paid, reversals never exceed what was earned (and take all of it when a line is
 * refunded in full), and the ledger balances (the ledger check, balances never negative).
 */
let tdb: TestDb;
let db: Kysely<Database>;
beforeAll(async () => {
  tdb = await testDb();
  db = tdb.db;
});
afterAll(async () => {
  await tdb.destroy();
});

const T0 = Date.UTC(2026, 1, 1);
const DAY = 86_400_000;

const rules = fc.integer({ min: 1, max: 3 }).chain((levels) =>
  fc.oneof(
    fc.record({ mode: fc.constant('rate' as const), levels: fc.constant(levels), amounts: fc.array(fc.integer({ min: 0, max: Math.floor(5000 / levels) }), { minLength: levels, maxLength: levels }) }),
    fc.record({ mode: fc.constant('fixed' as const), levels: fc.constant(levels), amounts: fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: levels, maxLength: levels }) }),
  ),
);
const step = fc.oneof(
  fc.record({ kind: fc.constant('units' as const), line: fc.nat(), quantity: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constant('amount' as const), amount: fc.integer({ min: 1, max: 20_000 }) }),
  fc.record({ kind: fc.constant('complete' as const) }),
  fc.record({ kind: fc.constant('unfreeze' as const) }),
  fc.record({ kind: fc.constant('withdraw' as const) }),
);
const scenario = fc.record({
  rule: rules,
  lines: fc.array(fc.record({ price: fc.integer({ min: 1, max: 20_000 }), quantity: fc.integer({ min: 1, max: 5 }) }), { minLength: 1, maxLength: 4 }),
  discountShare: fc.integer({ min: 0, max: 100 }),
  shipping: fc.integer({ min: 0, max: 1000 }),
  steps: fc.array(step, { maxLength: 8 }),
});

it('never pays more than the configured share, never reverses more than earned, and the ledger balances', async () => {
  await fc.assert(
    fc.asyncProperty(scenario, async (s) => {
      const merchantId = await merchantWithRules(db, { enabled: true, levels: s.rule.levels, mode: s.rule.mode, amounts: s.rule.amounts, freezeDays: 1 }, T0 - 1);
      const buyer = uniq('u_b');
      const chain = Array.from({ length: s.rule.levels }, () => uniq('u_p'));
      await bindChain(db, buyer, chain);
      const items = s.lines.reduce((a, l) => a + l.price * l.quantity, 0);
      const discount = Math.floor((items * s.discountShare) / 200);
      const orderId = await placeOrder(db, { buyer, merchantId, lines: s.lines, discount, shipping: s.shipping, at: T0 });
      await pay(db, orderId, T0 + 1);
      const bases = new Map((await commissionsOf(db, orderId)).map((c) => [Number(c.line_no), Number(c.base)]));
      // What the after-sale module would refund per line: per unit rounded down, the last units get the rest.
      const refunded = s.lines.map(() => ({ quantity: 0, amount: 0 }));
      let now = T0 + 2;
      let completed = false;
      for (const st of s.steps) {
        now += DAY;
        if (st.kind === 'units') {
          const i = st.line % s.lines.length;
          const q = s.lines[i].quantity;
          const k = Math.min(st.quantity, q - refunded[i].quantity);
          if (k <= 0) continue;
          const base = bases.get(i) ?? 0;
          const amount = refunded[i].quantity + k === q ? base - refunded[i].amount : k * Math.floor(base / q);
          refunded[i] = { quantity: refunded[i].quantity + k, amount: refunded[i].amount + amount };
          await refund(db, orderId, { lines: [{ lineNo: i, quantity: k, amount }] }, now);
        } else if (st.kind === 'amount') {
          await refund(db, orderId, { amount: st.amount }, now);
        } else if (st.kind === 'complete' && !completed) {
          completed = true;
          await complete(db, orderId, now);
        } else if (st.kind === 'unfreeze') {
          await unfreezeDueCommissions(db, now);
        } else if (st.kind === 'withdraw') {
          await withdrawAll(db, chain[0], now);
        }
      }
      const rows = await commissionsOf(db, orderId);
      for (const c of rows) {
        const base = Number(c.base);
        const x = Number(c.amount);
        const r = Number(c.reversed_amount);
        const cap = earnedOn({ mode: s.rule.mode, ruleAmount: s.rule.amounts[Number(c.level) - 1], quantity: Number(c.quantity) }, base);
        expect(x).toBe(cap);
        expect(x).toBeLessThanOrEqual(base);
        expect(r).toBeGreaterThanOrEqual(0);
        expect(r).toBeLessThanOrEqual(x);
        if (Number(c.refunded_base) === base) expect(r).toBe(x);
      }
      if (s.rule.mode === 'rate') {
        const share = s.rule.amounts.reduce((a, b) => a + b, 0);
        for (const [line, base] of bases) {
          const total = rows.filter((c) => Number(c.line_no) === line).reduce((a, c) => a + Number(c.amount), 0);
          expect(total).toBeLessThanOrEqual(Math.floor((base * share) / BASIS_POINTS));
        }
      }
      let held = 0;
      for (const p of chain) {
        const e = await earningsOf(db, p);
        held += e.pending + e.frozen + e.available + e.withdrawing + e.withdrawn - e.owed;
      }
      expect(held).toBe(rows.reduce((a, c) => a + Number(c.amount) - Number(c.reversed_amount), 0));
      expect(await ledgerProblems(db)).toEqual([]);
    }),
    { numRuns: Number(process.env.PROPERTY_RUNS ?? 25) },
  );
});
