import { defineMachine } from '../../infra/state-machine';

/**
 * A commission's lifecycle (docs/referral.md, "Commissions"): placed (the snapshot, when the
 * order is placed) -> pending (the order paid: the amount is earned) -> frozen (the order
 * completed, until completed + the merchant's freeze days) -> available (the unfreeze job) ->
 * withdrawn (the promoter's withdrawal); reversed once refunds took back all of it, from any
 * earned state; void when the order ended unpaid. A partial reversal keeps the state and grows
 * reversed_amount (a guarded update, not a transition).
 */
export const commissionMachine = defineMachine({
  name: 'commission',
  states: ['placed', 'pending', 'frozen', 'available', 'withdrawn', 'reversed', 'void'],
  initial: 'placed',
  transitions: {
    pay: { from: ['placed'], to: 'pending' },
    complete: { from: ['pending'], to: 'frozen' },
    unfreeze: { from: ['frozen'], to: 'available' },
    withdraw: { from: ['available'], to: 'withdrawn' },
    reverse: { from: ['pending', 'frozen', 'available', 'withdrawn'], to: 'reversed' },
    void: { from: ['placed'], to: 'void' },
  },
});

export type CommissionStatus = (typeof commissionMachine.states)[number];
export type CommissionEvent = (typeof commissionMachine.events)[number];

/** The states in which a commission was earned (its money is in the promoter's accounts). */
export const EARNED_STATES = ['pending', 'frozen', 'available', 'withdrawn', 'reversed'] as const satisfies readonly CommissionStatus[];
