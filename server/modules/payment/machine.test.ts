import fc from 'fast-check';
import { paymentStatus, type PaymentStatus } from '@contract/payment';
import { canApply, nextState, reachableStates, IllegalTransitionError } from '../../infra/state-machine';
import { allocateTenders } from './allocate';
import { paymentMachine, type PaymentEventName } from './machine';

describe('payment machine', () => {
  const legal: Record<PaymentStatus, Partial<Record<PaymentEventName, PaymentStatus>>> = {
    paying: { succeed: 'paid', fail: 'failed', close: 'closing' },
    closing: { succeed: 'paid', finishClose: 'closed' },
    paid: {},
    failed: {},
    closed: {},
  };

  it('names the contract states and reaches every one of them', () => {
    expect([...paymentMachine.states].sort()).toEqual([...paymentStatus.options].sort());
    expect([...reachableStates(paymentMachine)].sort()).toEqual([...paymentStatus.options].sort());
  });

  it('allows exactly paying -> paid|closing|failed and closing -> closed|paid; every other pair is IllegalTransitionError', () => {
    let allowed = 0;
    for (const state of paymentMachine.states) {
      for (const event of paymentMachine.events) {
        const to = legal[state][event];
        if (to) {
          allowed += 1;
          expect(nextState(paymentMachine, state, event)).toBe(to);
        } else {
          expect(canApply(paymentMachine, state, event)).toBe(false);
          expect(() => nextState(paymentMachine, state, event)).toThrow(IllegalTransitionError);
        }
      }
    }
    expect(allowed).toBe(5);
  });
});

describe('allocateTenders (property)', () => {
  const amounts = fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: 1, maxLength: 6 });

  it('per tender and per child the allocations sum exactly; none is negative or zero; children are filled in id order', () => {
    fc.assert(
      fc.property(amounts, fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 6 }), (childAmounts, weights) => {
        const total = childAmounts.reduce((s, a) => s + a, 0);
        // Split the total across the tenders in proportion to the weights (the last takes the rest).
        const w = weights.reduce((s, x) => s + x, 0);
        let left = total;
        const tenders = weights.map((x, i) => {
          const amount = i === weights.length - 1 ? left : Math.floor((total * x) / w);
          left -= amount;
          return { seq: i, amount };
        });
        const children = childAmounts.map((amount, i) => ({ orderId: `o_${String(childAmounts.length - i).padStart(2, '0')}`, amount }));
        const out = allocateTenders(children, tenders);
        for (const a of out) expect(a.amount).toBeGreaterThan(0);
        for (const tender of tenders) expect(out.filter((a) => a.tenderSeq === tender.seq).reduce((s, a) => s + a.amount, 0)).toBe(tender.amount);
        for (const child of children) expect(out.filter((a) => a.orderId === child.orderId).reduce((s, a) => s + a.amount, 0)).toBe(child.amount);
        // Deterministic: the same input gives the same rows.
        expect(allocateTenders(children, tenders)).toEqual(out);
        // Filled in id order: the sequence of (child, tender) never goes back.
        const ids = out.map((a) => a.orderId);
        expect(ids).toEqual([...ids].sort());
      }),
    );
  });

  it('refuses totals that differ and negative amounts', () => {
    expect(() => allocateTenders([{ orderId: 'o_1', amount: 10 }], [{ seq: 0, amount: 9 }])).toThrow(RangeError);
    expect(() => allocateTenders([{ orderId: 'o_1', amount: -1 }], [{ seq: 0, amount: -1 }])).toThrow(RangeError);
  });
});
