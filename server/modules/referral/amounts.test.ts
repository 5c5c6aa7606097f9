import fc from 'fast-check';
import { earnedOn, remainingAfter, spreadAmountRefund, type CommissionTerms } from './amounts';
import { commissionMachine, EARNED_STATES } from './machine';
import { reachableStates, terminalStates, allowedEvents } from '../../infra/state-machine';

const terms = fc.oneof(
  fc.record({ mode: fc.constant('rate' as const), ruleAmount: fc.integer({ min: 0, max: 10_000 }), quantity: fc.integer({ min: 1, max: 99 }) }),
  fc.record({ mode: fc.constant('fixed' as const), ruleAmount: fc.integer({ min: 0, max: 100_000 }), quantity: fc.integer({ min: 1, max: 99 }) }),
);

it('earns the rate on the base, or the fixed amount per unit capped at the base; quantity counts once', () => {
  expect(earnedOn({ mode: 'rate', ruleAmount: 1000, quantity: 2 }, 5400)).toBe(540);
  expect(earnedOn({ mode: 'rate', ruleAmount: 333, quantity: 1 }, 100)).toBe(3);
  expect(earnedOn({ mode: 'fixed', ruleAmount: 300, quantity: 3 }, 6000)).toBe(900);
  expect(earnedOn({ mode: 'fixed', ruleAmount: 400, quantity: 2 }, 600)).toBe(600);
  expect(earnedOn({ mode: 'fixed', ruleAmount: 400, quantity: 2 }, 0)).toBe(0);
});

it('what is left never grows as refunds grow, never exceeds what was earned, and is 0 once the line is refunded in full', () => {
  fc.assert(
    fc.property(terms, fc.integer({ min: 0, max: 1_000_000 }), fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 400_000 })), { maxLength: 10 }), (t: CommissionTerms, base, refunds) => {
      const earned = earnedOn(t, base);
      let refundedBase = 0;
      let refundedQuantity = 0;
      let left = remainingAfter(t, { base, earned, refundedBase, refundedQuantity });
      if (left !== earned) return false;
      for (const [q, a] of refunds) {
        refundedBase = Math.min(base, refundedBase + a);
        refundedQuantity = Math.min(t.quantity, refundedQuantity + q);
        const next = remainingAfter(t, { base, earned, refundedBase, refundedQuantity });
        if (next > left || next < 0) return false;
        left = next;
      }
      return refundedBase < base || left === 0;
    }),
  );
});

it('a refund of an amount goes to the lines by what is left of each, never more than is left', () => {
  expect(spreadAmountRefund(1000, [{ lineNo: 0, baseLeft: 3000 }, { lineNo: 1, baseLeft: 1000 }])).toEqual([
    { lineNo: 0, quantity: 0, amount: 750 },
    { lineNo: 1, quantity: 0, amount: 250 },
  ]);
  // The part beyond the goods was shipping.
  expect(spreadAmountRefund(5000, [{ lineNo: 0, baseLeft: 300 }, { lineNo: 1, baseLeft: 0 }]).map((r) => r.amount)).toEqual([300, 0]);
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 6 }), (amount, left) => {
      const parts = spreadAmountRefund(amount, left.map((baseLeft, lineNo) => ({ lineNo, baseLeft })));
      const total = parts.reduce((a, p) => a + p.amount, 0);
      return parts.every((p, i) => p.amount >= 0 && p.amount <= left[i]) && total === Math.min(amount, left.reduce((a, b) => a + b, 0));
    }),
  );
});

it('the lifecycle table: every state reachable, reversal from every earned state, withdrawn only from available', () => {
  expect([...reachableStates(commissionMachine)].sort()).toEqual([...commissionMachine.states].sort());
  expect(terminalStates(commissionMachine).sort()).toEqual(['reversed', 'void']);
  for (const s of EARNED_STATES.filter((s) => s !== 'reversed')) expect(allowedEvents(commissionMachine, s)).toContain('reverse');
  expect(allowedEvents(commissionMachine, 'placed').sort()).toEqual(['pay', 'void']);
  expect(commissionMachine.transitions.withdraw.from).toEqual(['available']);
});
