import { AppError } from './errors';
import { IDEMPOTENCY_RETENTION_MS, purgeIdempotencyKeys, requestHash, runIdempotent, stableStringify, STALE_AFTER_MS } from './idempotency';
import { testDb, type TestDb } from '../test/db';

let tdb: TestDb;
beforeAll(async () => {
  tdb = await testDb();
});
afterAll(async () => {
  await tdb.destroy();
});

const req = (key: string, body: unknown = { a: 1 }) => ({ scope: 'u_1', key, route: 'createAddress', requestHash: requestHash(body) });

describe('runIdempotent', () => {
  it('hashes equal requests equally whatever the key order', () => {
    expect(stableStringify({ b: 1, a: [1, { d: 2, c: 3 }] })).toBe('{"a":[1,{"c":3,"d":2}],"b":1}');
    expect(requestHash({ x: 1, y: 2 })).toBe(requestHash({ y: 2, x: 1 }));
    expect(requestHash({ x: 1 })).not.toBe(requestHash({ x: 2 }));
  });

  it('runs once and replays', async () => {
    let runs = 0;
    const exec = async () => {
      runs += 1;
      return { status: 201, body: { n: runs } };
    };
    const first = await runIdempotent(tdb.db, req('k1'), exec);
    const second = await runIdempotent(tdb.db, req('k1'), exec);
    expect(first).toEqual({ response: { status: 201, body: { n: 1 } }, replayed: false });
    expect(second).toEqual({ response: { status: 201, body: { n: 1 } }, replayed: true });
    expect(runs).toBe(1);
  });

  it('forgets a request that failed unexpectedly so a retry runs again', async () => {
    await expect(runIdempotent(tdb.db, req('k2'), async () => { throw new Error('boom'); })).rejects.toThrow('boom');
    const retry = await runIdempotent(tdb.db, req('k2'), async () => ({ status: 200, body: { ok: true } }));
    expect(retry.replayed).toBe(false);
    const fiveHundred = await runIdempotent(tdb.db, req('k3'), async () => ({ status: 503, body: null }));
    expect(fiveHundred.response.status).toBe(503);
    const after = await runIdempotent(tdb.db, req('k3'), async () => ({ status: 200, body: { ok: 1 } }));
    expect(after).toEqual({ response: { status: 200, body: { ok: 1 } }, replayed: false });
  });

  it('answers 409 IDEMPOTENCY_IN_PROGRESS when the first request does not finish in time', async () => {
    const now = Date.now();
    await tdb.db.insertInto('idempotency_keys').values({
      scope: 'u_1', key: 'k4', route: 'createAddress', request_hash: requestHash({ a: 1 }), state: 'in_progress',
      response_status: null, response_body: null, created_at: now, updated_at: now,
    }).execute();
    const err = await runIdempotent(tdb.db, req('k4'), async () => ({ status: 200, body: {} }), { waitMs: 200 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('IDEMPOTENCY_IN_PROGRESS');
  });

  it('takes over a stale in-progress row (a crashed first attempt)', async () => {
    const old = Date.now() - STALE_AFTER_MS - 1000;
    await tdb.db.insertInto('idempotency_keys').values({
      scope: 'u_1', key: 'k5', route: 'createAddress', request_hash: requestHash({ a: 1 }), state: 'in_progress',
      response_status: null, response_body: null, created_at: old, updated_at: old,
    }).execute();
    const res = await runIdempotent(tdb.db, req('k5'), async () => ({ status: 201, body: { taken: true } }));
    expect(res).toEqual({ response: { status: 201, body: { taken: true } }, replayed: false });
  });

  it('waits for a running first request and replays its answer', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const first = runIdempotent(tdb.db, req('k6'), async () => {
      await gate;
      return { status: 201, body: { id: 'x' } };
    });
    await new Promise((r) => setTimeout(r, 50));
    const second = runIdempotent(tdb.db, req('k6'), async () => ({ status: 201, body: { id: 'y' } }));
    setTimeout(release, 150);
    expect(await first).toEqual({ response: { status: 201, body: { id: 'x' } }, replayed: false });
    expect(await second).toEqual({ response: { status: 201, body: { id: 'x' } }, replayed: true });
  });

  it('refuses the key with another request, even while the first is done', async () => {
    await runIdempotent(tdb.db, req('k7', { a: 1 }), async () => ({ status: 200, body: {} }));
    await expect(runIdempotent(tdb.db, req('k7', { a: 2 }), async () => ({ status: 200, body: {} }))).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
  });
});

describe('purgeIdempotencyKeys', () => {
  it('deletes only keys older than the retention period', async () => {
    const now = Date.now();
    await runIdempotent(tdb.db, req('fresh'), async () => ({ status: 200, body: {} }));
    const old = now - IDEMPOTENCY_RETENTION_MS - 1;
    await tdb.db.insertInto('idempotency_keys').values({
      scope: 'u_1', key: 'ancient', route: 'createAddress', request_hash: 'x', state: 'done',
      response_status: 200, response_body: '{}', created_at: old, updated_at: old,
    }).execute();
    expect(await purgeIdempotencyKeys(tdb.db, now)).toBe(1);
    const keys = (await tdb.db.selectFrom('idempotency_keys').select('key').execute()).map((r) => r.key);
    expect(keys).toContain('fresh');
    expect(keys).not.toContain('ancient');
  });
});
