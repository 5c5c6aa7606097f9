import fc from 'fast-check';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/types';
import { orderStatus } from '@contract/order';
import { paymentStatus } from '@contract/payment';
import { orderMachine } from '../modules/order/machine';
import { paymentMachine } from '../modules/payment/machine';
import { testDb, type TestDb } from '../test/db';
import {
  IllegalTransitionError,
  allowedEvents,
  apply,
  canApply,
  defineMachine,
  nextState,
  reachableStates,
  terminalStates,
  tryApply,
  type Machine,
} from './state-machine';

const machines: [string, Machine<string, string>, readonly string[]][] = [
  ['order', orderMachine, orderStatus.options],
  ['payment', paymentMachine, paymentStatus.options],
];

describe.each(machines)('%s machine (in memory)', (_name, machine, contractStates) => {
  it('names exactly the states of the contract', () => {
    expect([...machine.states].sort()).toEqual([...contractStates].sort());
  });

  it('reaches every state from the initial state', () => {
    expect([...reachableStates(machine)].sort()).toEqual([...machine.states].sort());
  });

  it('rejects every illegal (state, event) pair and allows every legal one', () => {
    for (const state of machine.states) {
      for (const event of machine.events) {
        const legal = machine.transitions[event].from.includes(state);
        expect(canApply(machine, state, event)).toBe(legal);
        if (legal) expect(nextState(machine, state, event)).toBe(machine.transitions[event].to);
        else expect(() => nextState(machine, state, event)).toThrow(IllegalTransitionError);
      }
    }
  });

  it('terminal states allow no event', () => {
    for (const state of terminalStates(machine)) expect(allowedEvents(machine, state)).toEqual([]);
  });

  it('random event sequences only ever move along the table (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...machine.events), { maxLength: 30 }), (events) => {
        let state = machine.initial;
        const visited = [state];
        for (const event of events) {
          if (canApply(machine, state, event)) {
            state = nextState(machine, state, event);
            visited.push(state);
          } else {
            expect(() => nextState(machine, state, event)).toThrow(IllegalTransitionError);
          }
        }
        // No state is entered twice: the lifecycles are acyclic.
        expect(new Set(visited).size).toBe(visited.length);
        expect(reachableStates(machine).has(state)).toBe(true);
      }),
    );
  });
});

describe('order machine', () => {
  it('follows the happy path and the two exits of pending payment', () => {
    expect(nextState(orderMachine, 'pending_payment', 'pay')).toBe('paid');
    expect(nextState(orderMachine, 'paid', 'ship')).toBe('shipped');
    expect(nextState(orderMachine, 'shipped', 'confirm')).toBe('completed');
    expect(nextState(orderMachine, 'paid', 'pickup')).toBe('completed');
    expect(nextState(orderMachine, 'pending_payment', 'cancel')).toBe('cancelled');
    expect(nextState(orderMachine, 'pending_payment', 'close')).toBe('closed');
    // closed is not terminal: late money may still honour an order placed from a live session (payLate).
    expect(terminalStates(orderMachine).sort()).toEqual(['cancelled', 'completed']);
  });

  it('maps an illegal transition to 409 ILLEGAL_TRANSITION', () => {
    const err = new IllegalTransitionError('order', 'paid', 'cancel');
    expect(err.code).toBe('ILLEGAL_TRANSITION');
    expect(err.status).toBe(409);
  });
});

describe('defineMachine', () => {
  it('refuses inconsistent tables', () => {
    expect(() => defineMachine({ name: 'x', states: ['a', 'b'], initial: 'c' as 'a', transitions: { go: { from: ['a'], to: 'b' } } })).toThrow(/initial/);
    expect(() => defineMachine({ name: 'x', states: ['a', 'b'], initial: 'a', transitions: { go: { from: ['a'], to: 'z' as 'b' } } })).toThrow(/unknown state/);
    expect(() => defineMachine({ name: 'x', states: ['a', 'b'], initial: 'a', transitions: { go: { from: [], to: 'b' } } })).toThrow(/no source/);
    expect(() => defineMachine({ name: 'x', states: ['a', 'b'], initial: 'a', transitions: { go: { from: ['a'], to: 'a' } } })).toThrow(/loops/);
  });
});

describe('apply() through the database', () => {
  let tdb: TestDb;
  const table = 'sm_probe';
  /** id -> [machine, state, event]: one row per (machine, state, event), starting in that state. */
  const rows = new Map<string, [Machine<string, string>, string, string]>();

  beforeAll(async () => {
    tdb = await testDb();
    await tdb.db.schema.createTable(table).addColumn('id', 'text', (c) => c.primaryKey()).addColumn('status', 'text', (c) => c.notNull()).addColumn('note', 'text').execute();
    for (const [name, machine] of machines) {
      for (const state of machine.states) {
        for (const event of machine.events) {
          const id = `${name}.${state}.${event}`;
          rows.set(id, [machine, state, event]);
          await sql`insert into ${sql.table(table)} (id, status) values (${id}, ${state})`.execute(tdb.db);
        }
      }
    }
  });
  afterAll(async () => {
    await tdb.destroy();
  });

  const rowOf = async (id: string) => (await sql<{ status: string; note: string | null }>`select status, note from ${sql.table(table)} where id = ${id}`.execute(tdb.db)).rows[0];
  const statusOf = async (id: string) => (await rowOf(id))?.status;

  it('applies every legal pair of both machines once and rejects every illegal pair, leaving the row unchanged', async () => {
    let legal = 0;
    for (const [id, [machine, state, event]] of rows) {
      if (canApply(machine, state, event)) {
        legal += 1;
        await expect(apply(tdb.db, machine, table, id, event, { note: 'done' })).resolves.toBe(machine.transitions[event].to);
        expect(await rowOf(id)).toEqual({ status: machine.transitions[event].to, note: 'done' });
        // A duplicate of the same event is now illegal: applied at most once.
        await expect(apply(tdb.db, machine, table, id, event)).rejects.toBeInstanceOf(IllegalTransitionError);
      } else {
        await expect(apply(tdb.db, machine, table, id, event)).rejects.toBeInstanceOf(IllegalTransitionError);
        expect(await rowOf(id)).toEqual({ status: state, note: null });
      }
    }
    // order: pay, payLate, ship, pickup, confirm, cancel, close; payment: succeed (paying, closing), fail, close, finishClose.
    expect(legal).toBe(12);
  });

  it('answers NOT_FOUND for a missing row and false from tryApply for an illegal one', async () => {
    await expect(apply(tdb.db, orderMachine, table, 'missing', 'pay')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await sql`insert into ${sql.table(table)} (id, status) values (${'try'}, ${'paid'})`.execute(tdb.db);
    expect(await tryApply(tdb.db, orderMachine, table, 'try', 'cancel')).toBe(false);
    expect(await tryApply(tdb.db, orderMachine, table, 'try', 'ship')).toBe(true);
  });

  it('runs hooks inside the transaction: a failing hook rolls the transition back', async () => {
    await sql`insert into ${sql.table(table)} (id, status) values (${'hooked'}, ${'pending_payment'})`.execute(tdb.db);
    const seen: string[] = [];
    await expect(
      tdb.db.transaction().execute((trx: Kysely<Database>) =>
        apply(trx, orderMachine, table, 'hooked', 'cancel', {}, {
          cancel: [async ({ to }) => void seen.push(`cancel->${to}`)],
          any: [async () => Promise.reject(new Error('hook failed'))],
        }),
      ),
    ).rejects.toThrow('hook failed');
    expect(seen).toEqual(['cancel->cancelled']);
    expect(await statusOf('hooked')).toBe('pending_payment');
  });

  it('two racing applications of one event: exactly one wins', async () => {
    for (let i = 0; i < 5; i++) {
      const id = `race${i}`;
      await sql`insert into ${sql.table(table)} (id, status) values (${id}, ${'pending_payment'})`.execute(tdb.db);
      const results = await Promise.allSettled([
        tdb.db.transaction().execute((trx: Kysely<Database>) => apply(trx, orderMachine, table, id, 'pay')),
        tdb.db.transaction().execute((trx: Kysely<Database>) => apply(trx, orderMachine, table, id, 'close')),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.find((r) => r.status === 'rejected');
      expect(rejected && rejected.status === 'rejected' && rejected.reason).toBeInstanceOf(IllegalTransitionError);
    }
  });

  it('random event sequences in the database match the pure machine (property)', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...orderMachine.events), { maxLength: 8 }), async (events) => {
        const id = `prop${n++}`;
        await sql`insert into ${sql.table(table)} (id, status) values (${id}, ${orderMachine.initial})`.execute(tdb.db);
        let expected: string = orderMachine.initial;
        for (const event of events) {
          const ok = await tryApply(tdb.db, orderMachine, table, id, event);
          expect(ok).toBe(canApply(orderMachine, expected as (typeof orderMachine.states)[number], event));
          if (ok) expected = orderMachine.transitions[event].to;
          expect(await statusOf(id)).toBe(expected);
        }
      }),
      { numRuns: 40 },
    );
  });
});
