import { startJobs, type JobDef } from './jobs';
import { buildCore, JOBS, type AppJobDeps } from '../compose';
import { IDEMPOTENCY_RETENTION_MS } from './idempotency';
import { testConfig } from '../test/app';
import { testDb, type TestDb } from '../test/db';
import { createOrder } from '../modules/order/service';
import { makeSku, stockOf, userToken } from '../modules/order/testing';

let tdb: TestDb;
let deps: AppJobDeps;
const errors: unknown[] = [];
beforeAll(async () => {
  tdb = await testDb();
  const config = testConfig();
  const log = { info: () => undefined, warn: () => undefined, error: (obj: unknown) => void errors.push(obj) };
  // The modules as the app puts them together: its outbox is the one this database's events go to.
  deps = { db: tdb.db, config, log, core: buildCore({ db: tdb.db, config, log }) };
});
afterAll(async () => {
  await tdb.destroy();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

it('runs each job on its interval, never overlapping itself; stop() waits for the run in flight', async () => {
  let running = 0;
  let maxRunning = 0;
  let runs = 0;
  let finished = 0;
  const slow: JobDef<AppJobDeps> = {
    name: 'slow',
    intervalMs: 10,
    run: async () => {
      running += 1;
      runs += 1;
      maxRunning = Math.max(maxRunning, running);
      await sleep(60);
      running -= 1;
      finished += 1;
      return 0;
    },
  };
  const jobs = startJobs(deps, [slow]);
  await sleep(200);
  await jobs.stop();
  expect(runs).toBeGreaterThanOrEqual(2);
  // 200 ms of 10 ms ticks would start ~20 runs if they overlapped.
  expect(runs).toBeLessThanOrEqual(5);
  expect(maxRunning).toBe(1);
  expect(finished).toBe(runs);
  const after = runs;
  await sleep(50);
  expect(runs).toBe(after);
});

it('logs a failing job and keeps running it', async () => {
  let runs = 0;
  const failing: JobDef<AppJobDeps> = {
    name: 'failing',
    intervalMs: 10,
    run: async () => {
      runs += 1;
      throw new Error('boom');
    },
  };
  errors.length = 0;
  const jobs = startJobs(deps, [failing]);
  await sleep(100);
  await jobs.stop();
  expect(runs).toBeGreaterThanOrEqual(2);
  expect(errors.length).toBe(runs);
});

it('the default jobs close expired orders, starting right away', async () => {
  errors.length = 0;
  const sku = await makeSku(tdb.db, { stock: 3 });
  const { userId } = await userToken(tdb.db, deps.config.tokenSecret);
  const parent = await createOrder(tdb.db, {
    userId,
    idempotencyKey: 'jobs-1',
    body: { items: [{ skuId: sku.skuId, quantity: 2 }], fulfilment: { type: 'pickup', contactName: '钱七', contactPhone: '13500135000' } },
    payTimeoutSeconds: 1,
    now: Date.now() - 5_000,
  });
  expect(await stockOf(tdb.db, sku.skuId)).toBe(1);
  const jobs = startJobs(deps, JOBS);
  await jobs.stop();
  expect(errors).toEqual([]);
  const row = await tdb.db.selectFrom('orders').select('status').where('parent_id', '=', parent.id).executeTakeFirstOrThrow();
  expect(row.status).toBe('closed');
  expect(await stockOf(tdb.db, sku.skuId)).toBe(3);
});

it('schedules the purge of stored idempotent answers older than their retention', async () => {
  const purge = JOBS.find((j) => j.name === 'purge-idempotency-keys');
  expect(purge).toBeDefined();
  const now = Date.now();
  const row = (key: string, at: number) => ({
    scope: 'u_jobs', key, route: 'createAddress', request_hash: 'x', state: 'done' as const,
    response_status: 200, response_body: '{}', created_at: at, updated_at: at,
  });
  await tdb.db.insertInto('idempotency_keys').values([row('jobs-old', now - IDEMPOTENCY_RETENTION_MS - 1), row('jobs-new', now)]).execute();
  expect(await purge!.run(deps, now)).toBe(1);
  const left = (await tdb.db.selectFrom('idempotency_keys').select('key').where('scope', '=', 'u_jobs').execute()).map((r) => r.key);
  expect(left).toEqual(['jobs-new']);
});
