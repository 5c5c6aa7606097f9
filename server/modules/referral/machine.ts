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
    /** A withdrawal that took it was rejected or failed: what it gave back is available again. */
    restore: { from: ['withdrawn'], to: 'available' },
    reverse: { from: ['pending', 'frozen', 'available', 'withdrawn'], to: 'reversed' },
    void: { from: ['placed'], to: 'void' },
  },
});

export type CommissionStatus = (typeof commissionMachine.states)[number];
export type CommissionEvent = (typeof commissionMachine.events)[number];

/** The states in which a commission was earned (its money is in the promoter's accounts). */
export const EARNED_STATES = ['pending', 'frozen', 'available', 'withdrawn', 'reversed'] as const satisfies readonly CommissionStatus[];

/**
 * A promoter's withdrawal (docs/referral.md, "Withdrawals"): requested (his available commissions
 * taken into transit) -> approved (at once up to REFERRAL_WITHDRAW_AUTO_APPROVE_MAX, else by the
 * operating merchant) or rejected (the money goes back); approved -> succeeded at once for the
 * stored balance, or -> transferring (the channel's transfer) -> succeeded or failed (the money
 * goes back).
 */
export const withdrawalMachine = defineMachine({
  name: 'withdrawal',
  states: ['requested', 'approved', 'rejected', 'transferring', 'succeeded', 'failed'],
  initial: 'requested',
  transitions: {
    approve: { from: ['requested'], to: 'approved' },
    reject: { from: ['requested'], to: 'rejected' },
    transfer: { from: ['approved'], to: 'transferring' },
    succeed: { from: ['approved', 'transferring'], to: 'succeeded' },
    fail: { from: ['transferring'], to: 'failed' },
  },
});

export type WithdrawalStatus = (typeof withdrawalMachine.states)[number];
/** A withdrawal whose money is in transit (commission_in_transit). */
export const OPEN_WITHDRAWAL_STATES = ['requested', 'approved', 'transferring'] as const satisfies readonly WithdrawalStatus[];
