import { sql, type Kysely } from 'kysely';
import { testDb, type TestDb } from '../test/db';
import { onTransientRetry, transact, transientCode, transientRetries, TRANSACTION_ATTEMPTS, type TransientRetry } from './transaction';
import type { Database } from './types';

let tdb: TestDb;
beforeAll(async () => {
  tdb = await testDb({ poolSize: 4 });
  await sql`create table lock_pair (id text primary key, n integer not null)`.execute(tdb.db);
  await sql`insert into lock_pair (id, n) values ('a', 0), ('b', 0)`.execute(tdb.db);
});
afterAll(async () => {
  await tdb.destroy();
});

const bump = (trx: Kysely<Database>, id: string) => sql`update lock_pair set n = n + 1 where id = ${id}`.execute(trx);
const countOf = async (id: string) => Number((await sql<{ n: number }>`select n from lock_pair where id = ${id}`.execute(tdb.db)).rows[0].n);

function coded(code: string): Error {
  return Object.assign(new Error(`failure ${code}`), { code });
}

describe('transact', () => {
  it('commits the work and answers its result', async () => {
    expect(await transact(tdb.db, async (trx) => (await bump(trx, 'a'), 'done'))).toBe('done');
  });

  it('runs work in the transaction it is given, without a transaction of its own', async () => {
    await tdb.db.transaction().execute(async (outer) => {
      await transact(outer, async (inner) => {
        expect(inner).toBe(outer);
      });
    });
  });

  it('does not run work again for an error that is not transient', async () => {
    let calls = 0;
    await expect(
      transact(tdb.db, async () => {
        calls += 1;
        throw coded('23505');
      }),
    ).rejects.toThrow('failure 23505');
    expect(calls).toBe(1);
  });

  it('runs work again after a deadlock or a serialization failure, at most TRANSACTION_ATTEMPTS times, and counts each retry', async () => {
    const db = (await testDb()).db; // its own counters
    try {
      const seen: TransientRetry[] = [];
      const stop = onTransientRetry(db, (r) => seen.push(r));
      let calls = 0;
      expect(
        await transact(db, async () => {
          calls += 1;
          if (calls === 1) throw coded('40P01');
          if (calls === 2) throw coded('40001');
          return calls;
        }),
      ).toBe(3);
      expect(transientRetries(db)).toEqual({ '40P01': 1, '40001': 1 });
      expect(seen.map((r) => [r.code, r.reason, r.attempt])).toEqual([
        ['40P01', 'deadlock', 1],
        ['40001', 'serialization failure', 2],
      ]);

      calls = 0;
      await expect(
        transact(db, async () => {
          calls += 1;
          throw coded('40P01');
        }),
      ).rejects.toThrow('failure 40P01');
      expect(calls).toBe(TRANSACTION_ATTEMPTS);
      stop();
    } finally {
      await db.destroy();
    }
  });

  it('tells transient SQLSTATEs from others', () => {
    expect(transientCode(coded('40P01'))).toBe('40P01');
    expect(transientCode(coded('40001'))).toBe('40001');
    expect(transientCode(coded('23505'))).toBeNull();
    expect(transientCode(new Error('x'))).toBeNull();
    expect(transientCode('40P01')).toBeNull();
  });

  (process.env.TEST_DB === 'postgres' ? it : it.skip)(
    'PostgreSQL: of two transactions that lock two rows in opposite orders, the deadlock victim runs again and both commit',
    async () => {
      const before = transientRetries(tdb.db)['40P01'] ?? 0;
      const [a0, b0] = [await countOf('a'), await countOf('b')];
      // Each takes its first row, waits until the other has taken its own, then asks for the
      // other's: PostgreSQL aborts one of them (deadlock_detected) after deadlock_timeout.
      let arrived = 0;
      let release: () => void = () => undefined;
      const bothHoldOne = new Promise<void>((resolve) => {
        release = resolve;
      });
      const attempts = { ab: 0, ba: 0 };
      const crosswise = (first: string, second: string, key: 'ab' | 'ba') =>
        transact(tdb.db, async (trx) => {
          attempts[key] += 1;
          await bump(trx, first);
          if (attempts[key] === 1) {
            arrived += 1;
            if (arrived === 2) release();
            await bothHoldOne;
          }
          await bump(trx, second);
        });
      await Promise.all([crosswise('a', 'b', 'ab'), crosswise('b', 'a', 'ba')]);
      expect(attempts.ab + attempts.ba).toBe(3); // one of them ran twice
      expect(transientRetries(tdb.db)['40P01']).toBe(before + 1);
      // Both committed exactly once: the victim's first attempt was rolled back entirely.
      expect([await countOf('a'), await countOf('b')]).toEqual([a0 + 2, b0 + 2]);
    },
  );
});
