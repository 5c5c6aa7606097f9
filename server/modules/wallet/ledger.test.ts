import { testDb, type TestDb } from '../../test/db';
import { AppError } from '../../infra/errors';
import { accountId, accountIdOf, balanceOf, ensureAccount, LEDGER_SHARDS, lockAccounts, LockOrderError, PLATFORM, post, shardFor, storedOwnerId, UnbalancedJournalError, type AccountRef } from './ledger';

let tdb: TestDb;
beforeAll(async () => {
  // The concurrency test needs several connections on PostgreSQL.
  tdb = await testDb({ poolSize: 12 });
});
afterAll(async () => {
  await tdb.destroy();
});

let n = 0;
function user(): string {
  n += 1;
  return `u_ledger${n}`;
}

const funding: AccountRef = { kind: 'funding', ownerId: PLATFORM };
const clearing: AccountRef = { kind: 'payment_clearing', ownerId: PLATFORM };
const balanceOfUser = (id: string): AccountRef => ({ kind: 'user_balance', ownerId: id });

async function fund(userId: string, amount: number): Promise<void> {
  await tdb.db.transaction().execute((trx) =>
    post(trx, { ref: `test-fund:${userId}:${amount}:${Math.random()}`, kind: 'test', memo: 'fund', postings: [{ account: funding, amount: -amount }, { account: balanceOfUser(userId), amount }] }),
  );
}

async function entriesOfRef(ref: string) {
  return tdb.db
    .selectFrom('journal_entries')
    .innerJoin('journal_transactions', 'journal_transactions.id', 'journal_entries.tx_id')
    .select(['journal_entries.account_id', 'journal_entries.amount', 'journal_entries.unit', 'journal_entries.seq'])
    .where('journal_transactions.ref', '=', ref)
    .orderBy('journal_entries.seq')
    .execute();
}

describe('post', () => {
  it('writes one transaction, its entries and the balances', async () => {
    const u = user();
    const ref = `t:${u}`;
    const outcome = await tdb.db.transaction().execute((trx) =>
      post(trx, {
        ref,
        kind: 'test',
        memo: 'grant',
        postings: [
          { account: funding, amount: -1500 },
          { account: balanceOfUser(u), amount: 1500 },
          { account: { kind: 'points_issuance', ownerId: PLATFORM }, amount: -300 },
          { account: { kind: 'user_points', ownerId: u }, amount: 300 },
        ],
      }),
    );
    expect(outcome).toBe('posted');
    expect(await balanceOf(tdb.db, balanceOfUser(u))).toBe(1500);
    expect(await balanceOf(tdb.db, { kind: 'user_points', ownerId: u })).toBe(300);
    const entries = await entriesOfRef(ref);
    expect(entries.map((e) => [e.account_id, Number(e.amount), e.unit])).toEqual(
      // Accounts in id order, one lock order for every writer.
      [
        ['funding:platform', -1500, 'fen'],
        ['points_issuance:platform', -300, 'points'],
        [`user_balance:${u}`, 1500, 'fen'],
        [`user_points:${u}`, 300, 'points'],
      ],
    );
    const account = await tdb.db.selectFrom('ledger_accounts').selectAll().where('id', '=', accountId('user_balance', u)).executeTakeFirstOrThrow();
    expect(account).toMatchObject({ kind: 'user_balance', owner_id: u, unit: 'fen', may_go_negative: 0 });
  });

  it('merges postings to one account and skips zero ones', async () => {
    const u = user();
    const ref = `t:${u}`;
    await tdb.db.transaction().execute((trx) =>
      post(trx, {
        ref,
        kind: 'test',
        memo: 'merged',
        postings: [
          { account: funding, amount: -100 },
          { account: balanceOfUser(u), amount: 60 },
          { account: balanceOfUser(u), amount: 40 },
          { account: { kind: 'user_points', ownerId: u }, amount: 0 },
        ],
      }),
    );
    expect((await entriesOfRef(ref)).map((e) => Number(e.amount))).toEqual([-100, 100]);
    expect(await balanceOf(tdb.db, { kind: 'user_points', ownerId: u })).toBe(0);
  });

  it('writes nothing at all for a journal with nothing to move', async () => {
    const u = user();
    const empty = [
      { account: funding, amount: 0 },
      { account: balanceOfUser(u), amount: 50 },
      { account: balanceOfUser(u), amount: -50 },
    ];
    expect(await tdb.db.transaction().execute((trx) => post(trx, { ref: `t:${u}:empty`, kind: 'test', memo: '', postings: empty }))).toBe('posted');
    expect(await tdb.db.transaction().execute((trx) => post(trx, { ref: `t:${u}:none`, kind: 'test', memo: '', postings: [] }))).toBe('posted');
    expect(await tdb.db.selectFrom('journal_transactions').select('id').where('ref', 'like', `t:${u}:%`).execute()).toEqual([]);
    expect(await tdb.db.selectFrom('ledger_accounts').select('id').where('id', '=', accountId('user_balance', u)).execute()).toEqual([]);
  });

  it('posts nothing for a duplicate ref', async () => {
    const u = user();
    const ref = `t:${u}`;
    const input = { ref, kind: 'test', memo: 'once', postings: [{ account: funding, amount: -500 }, { account: balanceOfUser(u), amount: 500 }] };
    expect(await tdb.db.transaction().execute((trx) => post(trx, input))).toBe('posted');
    expect(await tdb.db.transaction().execute((trx) => post(trx, input))).toBe('duplicate');
    // Even with other postings: the ref names the step, and the step happened.
    expect(await tdb.db.transaction().execute((trx) => post(trx, { ...input, postings: [{ account: funding, amount: -9 }, { account: balanceOfUser(u), amount: 9 }] }))).toBe(
      'duplicate',
    );
    expect(await balanceOf(tdb.db, balanceOfUser(u))).toBe(500);
    expect(await entriesOfRef(ref)).toHaveLength(2);
    const txs = await tdb.db.selectFrom('journal_transactions').select('id').where('ref', '=', ref).execute();
    expect(txs).toHaveLength(1);
  });

  it('throws on unbalanced postings, per unit, and writes nothing', async () => {
    const u = user();
    await expect(
      tdb.db.transaction().execute((trx) => post(trx, { ref: `t:${u}:a`, kind: 'test', memo: '', postings: [{ account: funding, amount: -100 }, { account: balanceOfUser(u), amount: 99 }] })),
    ).rejects.toThrow(UnbalancedJournalError);
    // Fen and points do not offset each other.
    await expect(
      tdb.db.transaction().execute((trx) =>
        post(trx, { ref: `t:${u}:b`, kind: 'test', memo: '', postings: [{ account: funding, amount: -100 }, { account: { kind: 'user_points', ownerId: u }, amount: 100 }] }),
      ),
    ).rejects.toThrow(/fen entries sum to -100/);
    await expect(
      tdb.db.transaction().execute((trx) => post(trx, { ref: `t:${u}:c`, kind: 'test', memo: '', postings: [{ account: funding, amount: -1.5 }, { account: balanceOfUser(u), amount: 1.5 }] })),
    ).rejects.toThrow(/not an integer/);
    const txs = await tdb.db.selectFrom('journal_transactions').select('ref').where('ref', 'like', `t:${u}:%`).execute();
    expect(txs).toEqual([]);
    expect(await balanceOf(tdb.db, balanceOfUser(u))).toBe(0);
  });

  it('refuses to take a non-negative account below zero; the caller rolls back everything', async () => {
    const u = user();
    await fund(u, 1000);
    const clearingBefore = await balanceOf(tdb.db, clearing);
    let caught: unknown;
    try {
      await tdb.db.transaction().execute(async (trx) => {
        await lockAccounts(trx, [balanceOfUser(u), clearing]);
        // A first posting that succeeds inside the same transaction...
        await post(trx, { ref: `t:${u}:first`, kind: 'test', memo: '', postings: [{ account: balanceOfUser(u), amount: -600 }, { account: clearing, amount: 600 }] });
        // ...then one the balance cannot cover.
        await post(trx, { ref: `t:${u}:second`, kind: 'test', memo: '', postings: [{ account: balanceOfUser(u), amount: -600 }, { account: clearing, amount: 600 }] });
      });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(AppError);
    expect((caught as AppError).code).toBe('INSUFFICIENT_FUNDS');
    expect(await balanceOf(tdb.db, balanceOfUser(u))).toBe(1000);
    expect(await balanceOf(tdb.db, clearing)).toBe(clearingBefore);
    const txs = await tdb.db.selectFrom('journal_transactions').select('ref').where('ref', 'in', [`t:${u}:first`, `t:${u}:second`]).execute();
    expect(txs).toEqual([]);
  });

  it('refuses a debit of an account that does not exist yet (created at zero, it cannot cover it)', async () => {
    const u = user();
    const refused = tdb.db.transaction().execute((trx) =>
      post(trx, { ref: `t:${u}:from-nothing`, kind: 'test', memo: '', postings: [{ account: balanceOfUser(u), amount: -1 }, { account: clearing, amount: 1 }] }),
    );
    await expect(refused).rejects.toMatchObject({ code: 'INSUFFICIENT_FUNDS', extra: { account: 'user_balance' } });
    expect(await tdb.db.selectFrom('ledger_accounts').select('id').where('id', '=', accountIdOf(balanceOfUser(u))).executeTakeFirst()).toBeUndefined();
    expect(await tdb.db.selectFrom('journal_transactions').select('id').where('ref', '=', `t:${u}:from-nothing`).executeTakeFirst()).toBeUndefined();
  });

  it('lets accounts marked may_go_negative go below zero', async () => {
    const before = await balanceOf(tdb.db, funding);
    const u = user();
    await fund(u, 250);
    expect(await balanceOf(tdb.db, funding)).toBe(before - 250);
  });

  it('ensureAccount is idempotent and keeps the kind\'s unit and sign rule', async () => {
    const u = user();
    const id1 = await ensureAccount(tdb.db, { kind: 'user_points', ownerId: u });
    const id2 = await ensureAccount(tdb.db, { kind: 'user_points', ownerId: u });
    expect(id1).toBe(id2);
    const rows = await tdb.db.selectFrom('ledger_accounts').selectAll().where('id', '=', id1).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ unit: 'points', may_go_negative: 0 });
    const ch = await ensureAccount(tdb.db, { kind: 'channel_clearing', ownerId: 'wechatpay' });
    const chRow = await tdb.db.selectFrom('ledger_accounts').select(['unit', 'may_go_negative']).where('id', '=', ch).executeTakeFirstOrThrow();
    expect(chRow).toEqual({ unit: 'fen', may_go_negative: 1 });
  });
});

describe('concurrency', () => {
  it('30 concurrent debits never take a balance below zero; exactly the affordable ones succeed', async () => {
    const u = user();
    const start = 1000;
    const debit = 70; // 14 fit (980), the 15th would need 1050
    await fund(u, start);
    // Each debit credits its own account, so the shopper's balance row is the only one they
    // share (a shared counterparty row would serialize them before the balance is touched).
    const payee = (i: number): AccountRef => ({ kind: 'merchant_payable', ownerId: `m_${u}_${i}` });
    const results = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) =>
        tdb.db.transaction().execute((trx) =>
          post(trx, { ref: `t:${u}:debit:${i}`, kind: 'test', memo: 'debit', postings: [{ account: balanceOfUser(u), amount: -debit }, { account: payee(i), amount: debit }] }),
        ),
      ),
    );
    const ok = results.filter((r) => r.status === 'fulfilled');
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(ok).toHaveLength(Math.floor(start / debit));
    for (const f of failed) {
      expect(f.reason).toBeInstanceOf(AppError);
      expect((f.reason as AppError).code).toBe('INSUFFICIENT_FUNDS');
    }
    const after = await balanceOf(tdb.db, balanceOfUser(u));
    expect(after).toBe(start - ok.length * debit);
    expect(after).toBeGreaterThanOrEqual(0);
    let credited = 0;
    for (let i = 0; i < 30; i++) credited += await balanceOf(tdb.db, payee(i));
    expect(credited).toBe(ok.length * debit);
    // The stored balance is exactly the sum of the account's entries.
    const sum = await tdb.db
      .selectFrom('journal_entries')
      .select((eb) => eb.fn.sum<number>('amount').as('total'))
      .where('account_id', '=', accountId('user_balance', u))
      .executeTakeFirstOrThrow();
    expect(Number(sum.total)).toBe(after);
    const posted = await tdb.db.selectFrom('journal_transactions').select('id').where('ref', 'like', `t:${u}:debit:%`).execute();
    expect(posted).toHaveLength(ok.length);
  });

  it('concurrent replays of one step post it once', async () => {
    const u = user();
    const input = { ref: `t:${u}:once`, kind: 'test', memo: '', postings: [{ account: funding, amount: -10 }, { account: balanceOfUser(u), amount: 10 }] };
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => tdb.db.transaction().execute((trx) => post(trx, input))));
    expect(outcomes.filter((o) => o === 'posted')).toHaveLength(1);
    expect(await balanceOf(tdb.db, balanceOfUser(u))).toBe(10);
  });
});

describe('lock order', () => {
  const move = (ref: string, from: AccountRef, to: AccountRef, amount: number) => ({ ref, kind: 'test', memo: '', postings: [{ account: from, amount: -amount }, { account: to, amount }] });

  it('a second posting in one transaction must touch only accounts lockAccounts locked first', async () => {
    const u = user();
    const refused = tdb.db.transaction().execute(async (trx) => {
      await post(trx, move(`t:${u}:1`, funding, balanceOfUser(u), 10));
      await post(trx, move(`t:${u}:2`, balanceOfUser(u), clearing, 5));
    });
    await expect(refused).rejects.toThrow(LockOrderError);
    expect(await balanceOf(tdb.db, balanceOfUser(u))).toBe(0); // rolled back

    await tdb.db.transaction().execute(async (trx) => {
      await lockAccounts(trx, [funding, balanceOfUser(u), clearing]);
      await post(trx, move(`t:${u}:3`, funding, balanceOfUser(u), 10));
      await post(trx, move(`t:${u}:4`, balanceOfUser(u), clearing, 5));
    });
    expect(await balanceOf(tdb.db, balanceOfUser(u))).toBe(5);

    const partial = tdb.db.transaction().execute(async (trx) => {
      await lockAccounts(trx, [funding, balanceOfUser(u)]);
      await post(trx, move(`t:${u}:5`, funding, balanceOfUser(u), 10));
      await post(trx, move(`t:${u}:6`, balanceOfUser(u), clearing, 5));
    });
    await expect(partial).rejects.toThrow(/payment_clearing:platform/);
  });

  it('lockAccounts comes first and once', async () => {
    const u = user();
    await expect(
      tdb.db.transaction().execute(async (trx) => {
        await post(trx, move(`t:${u}:a`, funding, balanceOfUser(u), 1));
        await lockAccounts(trx, [funding, balanceOfUser(u)]);
      }),
    ).rejects.toThrow(LockOrderError);
    await expect(
      tdb.db.transaction().execute(async (trx) => {
        await lockAccounts(trx, [funding]);
        await lockAccounts(trx, [balanceOfUser(u)]);
      }),
    ).rejects.toThrow(LockOrderError);
  });

  it('a single posting per transaction needs no lockAccounts (post() updates in id order)', async () => {
    const u = user();
    await tdb.db.transaction().execute((trx) => post(trx, move(`t:${u}:single`, funding, balanceOfUser(u), 7)));
    expect(await balanceOf(tdb.db, balanceOfUser(u))).toBe(7);
  });

  (process.env.TEST_DB === 'postgres' ? it : it.skip)('PostgreSQL: lockAccounts creates the accounts that do not exist yet, with their kind\'s unit and sign rule, and changes no balance', async () => {
    const u = user();
    const shard = { kind: 'merchant_payable', ownerId: `m_${u}`, shard: 3 } as const;
    await fund(u, 40);
    await tdb.db.transaction().execute((trx) => lockAccounts(trx, [balanceOfUser(u), { kind: 'user_points', ownerId: u }, shard, { kind: 'channel_clearing', ownerId: `ch_${u}` }]));
    const rows = await tdb.db
      .selectFrom('ledger_accounts')
      .select(['id', 'kind', 'owner_id', 'unit', 'balance', 'may_go_negative'])
      .where('id', 'in', [accountIdOf(balanceOfUser(u)), accountIdOf({ kind: 'user_points', ownerId: u }), accountIdOf(shard), accountId('channel_clearing', `ch_${u}`)])
      .orderBy('id')
      .execute();
    expect(rows.map((r) => [r.id, r.kind, r.owner_id, r.unit, Number(r.balance), Number(r.may_go_negative)])).toEqual([
      [accountId('channel_clearing', `ch_${u}`), 'channel_clearing', `ch_${u}`, 'fen', 0, 1],
      [accountIdOf(shard), 'merchant_payable', `m_${u}~3`, 'fen', 0, 0],
      [accountIdOf(balanceOfUser(u)), 'user_balance', u, 'fen', 40, 0],
      [accountIdOf({ kind: 'user_points', ownerId: u }), 'user_points', u, 'points', 0, 0],
    ]);
  });
});

describe('sharded accounts', () => {
  it('shard 0 is the plain account; shard k a sibling of the same kind and owner; per-user kinds have no shards', () => {
    expect(accountIdOf({ kind: 'payment_clearing', ownerId: PLATFORM })).toBe('payment_clearing:platform');
    expect(accountIdOf({ kind: 'payment_clearing', ownerId: PLATFORM, shard: 0 })).toBe('payment_clearing:platform');
    expect(accountIdOf({ kind: 'merchant_payable', ownerId: 'm_1', shard: 7 })).toBe('merchant_payable:m_1~7');
    expect(storedOwnerId({ kind: 'user_balance', ownerId: 'u1', shard: 7 })).toBe('u1');
    expect(() => storedOwnerId({ kind: 'funding', ownerId: PLATFORM, shard: LEDGER_SHARDS })).toThrow(RangeError);
    expect(() => storedOwnerId({ kind: 'funding', ownerId: PLATFORM, shard: 1.5 })).toThrow(RangeError);
  });

  it('shardFor is stable and in range', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const s = shardFor(`u_${i}`);
      expect(s).toBe(shardFor(`u_${i}`));
      expect(s).toBeGreaterThanOrEqual(0);
      expect(s).toBeLessThan(LEDGER_SHARDS);
      seen.add(s);
    }
    expect(seen.size).toBe(LEDGER_SHARDS);
  });

  it('each shard is guarded on its own; the owner’s balance is the sum of its shards', async () => {
    const u = user();
    await fund(u, 1000);
    const merchant = `m_shard_${n}`;
    const pay = (shard: number, amount: number, ref: string) =>
      tdb.db.transaction().execute((trx) =>
        post(trx, { ref, kind: 'test', memo: 'pay', postings: [{ account: balanceOfUser(u), amount: -amount }, { account: { kind: 'merchant_payable', ownerId: merchant, shard }, amount }] }),
      );
    await pay(3, 300, `shard-a:${u}`);
    await pay(9, 200, `shard-b:${u}`);
    expect(await balanceOf(tdb.db, { kind: 'merchant_payable', ownerId: merchant })).toBe(500);
    expect(await balanceOf(tdb.db, { kind: 'merchant_payable', ownerId: merchant, shard: 3 })).toBe(300);
    expect(await balanceOf(tdb.db, { kind: 'merchant_payable', ownerId: merchant, shard: 0 })).toBe(0);
    // Shard 9 holds 200: it cannot give back 250 even though the merchant is owed 500 in all.
    const refund = tdb.db.transaction().execute((trx) =>
      post(trx, { ref: `shard-refund:${u}`, kind: 'test', memo: 'refund', postings: [{ account: { kind: 'merchant_payable', ownerId: merchant, shard: 9 }, amount: -250 }, { account: balanceOfUser(u), amount: 250 }] }),
    );
    await expect(refund).rejects.toMatchObject({ code: 'INSUFFICIENT_FUNDS' });
    const row = await tdb.db.selectFrom('ledger_accounts').select(['kind', 'owner_id']).where('id', '=', accountIdOf({ kind: 'merchant_payable', ownerId: merchant, shard: 9 })).executeTakeFirstOrThrow();
    expect(row).toEqual({ kind: 'merchant_payable', owner_id: `${merchant}~9` });
    expect(accountId(row.kind as 'merchant_payable', row.owner_id)).toBe(`merchant_payable:${merchant}~9`);
  });
});
