import { afterSaleStatus } from '@contract/aftersale';
import { IllegalTransitionError, allowedEvents, apply, nextState, reachableStates, terminalStates } from '../../infra/state-machine';
import { testDb, type TestDb } from '../../test/db';
import { afterSaleMachine, type AfterSaleEvent } from './machine';

/**
 * The after-sale lifecycle as a table: every state is reachable, every transition is walked, and
 * every event a state does not allow is refused, in memory and as the guarded update on the table.
 */
const S = afterSaleMachine.states;
const E = afterSaleMachine.events;

const LEGAL: Record<string, Partial<Record<AfterSaleEvent, string>>> = {
  requested: { approve: 'refunding', approveReturn: 'awaiting_return', reject: 'rejected', cancel: 'cancelled' },
  awaiting_return: { cancel: 'cancelled', shipReturn: 'returning', close: 'closed' },
  returning: { receive: 'refunding' },
  refunding: { refundSucceeded: 'refunded', refundFailed: 'refund_failed' },
  refund_failed: { retryRefund: 'refunding' },
  refunded: {},
  rejected: {},
  cancelled: {},
  closed: {},
};

it('has exactly the contract\'s states, all reachable, and the terminal ones', () => {
  expect([...S].sort()).toEqual([...afterSaleStatus.options].sort());
  expect([...reachableStates(afterSaleMachine)].sort()).toEqual([...S].sort());
  expect(terminalStates(afterSaleMachine).sort()).toEqual(['cancelled', 'closed', 'refunded', 'rejected']);
});

it('allows exactly the table above', () => {
  for (const state of S) expect(Object.fromEntries(allowedEvents(afterSaleMachine, state).map((e) => [e, afterSaleMachine.transitions[e].to]))).toEqual(LEGAL[state]);
});

const pairs = S.flatMap((state) => E.map((event) => [state, event] as const));

it.each(pairs)('in memory: %s + %s', (state, event) => {
  const to = LEGAL[state][event];
  if (to) expect(nextState(afterSaleMachine, state, event)).toBe(to);
  else expect(() => nextState(afterSaleMachine, state, event)).toThrow(IllegalTransitionError);
});

describe('on the table', () => {
  let tdb: TestDb;
  beforeAll(async () => {
    tdb = await testDb();
  });
  afterAll(async () => {
    await tdb.destroy();
  });

  let n = 0;
  async function rowIn(status: string): Promise<string> {
    n += 1;
    const id = `as_m${n}`;
    await tdb.db
      .insertInto('after_sales')
      .values({
        id, user_id: 'u_1', order_id: 'o_1', order_no: '1', merchant_id: 'm_1', kind: 'refund_only', status, reason: 'other', description: null, photos: '[]',
        amount: 100, shipping_amount: 0, return_address: null, return_carrier: null, return_tracking_no: null, reject_reason: null, approved_by: null,
        refund_id: null, deadline_at: null, created_at: 1, updated_at: 1, refunded_at: null,
      })
      .execute();
    return id;
  }

  it('walks every transition and refuses every illegal one with 409 ILLEGAL_TRANSITION, leaving the row as it was', async () => {
    for (const [state, event] of pairs) {
      const id = await rowIn(state);
      const to = LEGAL[state][event];
      if (to) {
        await expect(apply(tdb.db, afterSaleMachine, 'after_sales', id, event)).resolves.toBe(to);
        // The same event again is refused unless the new state allows it too.
        if (!LEGAL[to][event]) await expect(apply(tdb.db, afterSaleMachine, 'after_sales', id, event)).rejects.toMatchObject({ code: 'ILLEGAL_TRANSITION', status: 409 });
      } else {
        await expect(apply(tdb.db, afterSaleMachine, 'after_sales', id, event)).rejects.toMatchObject({ code: 'ILLEGAL_TRANSITION', status: 409 });
        const row = await tdb.db.selectFrom('after_sales').select('status').where('id', '=', id).executeTakeFirstOrThrow();
        expect(row.status).toBe(state);
      }
    }
  });

  it('walks the paths end to end', async () => {
    const paths: AfterSaleEvent[][] = [
      ['approve', 'refundSucceeded'],
      ['approve', 'refundFailed', 'retryRefund', 'refundSucceeded'],
      ['approveReturn', 'shipReturn', 'receive', 'refundSucceeded'],
      ['approveReturn', 'close'],
      ['approveReturn', 'cancel'],
      ['reject'],
      ['cancel'],
    ];
    for (const path of paths) {
      const id = await rowIn('requested');
      let state: string = 'requested';
      for (const event of path) {
        const expected = LEGAL[state][event];
        state = await apply(tdb.db, afterSaleMachine, 'after_sales', id, event);
        expect(state).toBe(expected);
      }
      expect(terminalStates(afterSaleMachine)).toContain(state);
    }
  });
});
