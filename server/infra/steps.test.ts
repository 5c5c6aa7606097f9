import type { Kysely } from 'kysely';
import type { Database } from '../db';
import { testDb, type TestDb } from '../test/db';
import {
  FlowCompensated,
  FlowInDoubt,
  OPERATION_KEEP_MS,
  OPERATION_LEASE_MS,
  OperationTaken,
  defineFlow,
  flowRegistry,
  pruneOperations,
  resumeOperations,
  runFlow,
  type Flow,
  type LocalStep,
  type RemoteStep,
  type Step,
  type StepOutcome,
} from './steps';

/**
 * The step runner on the test database: a flow of local steps (rows in consumed_events stand for
 * a module's writes) and remote steps (an in-memory service that keeps what it was asked, by key),
 * run through, failed for good, left in doubt and resumed, raced by two resumers.
 */
let tdb: TestDb;
let db: Kysely<Database>;
beforeAll(async () => {
  tdb = await testDb();
  db = tdb.db;
});
afterAll(async () => {
  await tdb.destroy();
});

const log = { warn: () => undefined, error: () => undefined };

interface State {
  key: string;
  remoteAnswer?: string;
  total?: number;
}

class Refused extends Error {}
class Outage extends Error {}

/** What the outside service holds: one entry per key, kept across repeats (idempotent). */
function remoteService() {
  const calls: string[] = [];
  const held = new Map<string, string>();
  let next: 'ok' | 'refuse' | 'outage' | 'outage-after' = 'ok';
  let hold: Promise<void> | null = null;
  return {
    calls,
    held,
    failNext(mode: typeof next) {
      next = mode;
    },
    /** The next call takes effect, then waits with its answer until the returned function is called. */
    holdNextAnswer(): () => void {
      let release: () => void = () => undefined;
      hold = new Promise<void>((resolve) => (release = resolve));
      return release;
    },
    async call(key: string): Promise<string> {
      calls.push(`call:${key}`);
      const mode = next;
      const gate = hold;
      next = 'ok';
      hold = null;
      if (mode === 'refuse') throw new Refused('the service refused');
      if (mode === 'outage') throw new Outage('the service did not answer');
      const answer = held.get(key) ?? `answer-${key}`;
      held.set(key, answer);
      // The call took effect but its answer was lost.
      if (mode === 'outage-after') throw new Outage('the answer was lost');
      if (gate) await gate;
      return answer;
    },
    async undo(key: string): Promise<void> {
      calls.push(`undo:${key}`);
      held.delete(key);
    },
  };
}
type Service = ReturnType<typeof remoteService>;

async function writes(key: string): Promise<string[]> {
  const rows = await db.selectFrom('consumed_events').select('event_id').where('consumer', '=', `steps-test:${key}`).orderBy('event_id').execute();
  return rows.map((r) => r.event_id);
}

/**
 * A local step that writes a row named after it (a module's write), which its compensation
 * deletes. Then it answers `outcome`, or throws `error` (its write rolls back); its compensation
 * fails with an outage `undoFails` times before it works.
 */
function local(name: string, { outcome, error, undoFails = 0 }: { outcome?: StepOutcome<State>; error?: Error; undoFails?: number } = {}): LocalStep<State> {
  return {
    name,
    kind: 'local',
    async run(trx, state, now) {
      await trx.insertInto('consumed_events').values({ consumer: `steps-test:${state.key}`, event_id: name, consumed_at: now }).onConflict((oc) => oc.doNothing()).execute();
      if (error) throw error;
      return outcome;
    },
    async compensate(trx, state) {
      if (undoFails-- > 0) throw new Outage('database went away');
      await trx.deleteFrom('consumed_events').where('consumer', '=', `steps-test:${state.key}`).where('event_id', '=', name).execute();
    },
  };
}

/** A remote step that calls the service (idempotent by the state's key) and undoes the call to compensate; `probe`: it can ask the service whether the call happened. */
function remote(service: Service, { name = '2-call', inDoubt = 'retry', probe = false }: { name?: string; inDoubt?: RemoteStep<State>['inDoubt']; probe?: boolean } = {}): RemoteStep<State> {
  return {
    name,
    kind: 'remote',
    inDoubt,
    run: async (state) => ({ set: { remoteAnswer: await service.call(state.key) } }),
    compensate: (state) => service.undo(state.key),
    ...(probe && { happened: async (state: State) => (service.held.has(state.key) ? { set: { remoteAnswer: service.held.get(state.key) } } : null) }),
  };
}

/** A flow of these steps under a fresh name; a Refused step failed for good, anything else is an outage. */
function flowOf(...steps: Step<State>[]): Flow<State> {
  return defineFlow<State>({ name: fresh('flow'), fails: (err) => err instanceof Refused, steps });
}

/** Reserve, call, confirm. */
const threeSteps = (service: Service, inDoubt: RemoteStep<State>['inDoubt'] = 'retry') => flowOf(local('1-reserve'), remote(service, { inDoubt }), local('3-confirm'));

/** A test's service, its flow (three steps unless given), a fresh key and the time. */
function scenario(build: (service: Service) => Flow<State> = threeSteps) {
  const service = remoteService();
  return { service, flow: build(service), key: fresh('k'), now: Date.now() };
}

/** The resume job at `at`, with only this flow registered. */
const resumeAt = (flow: Flow<State>, at: number) => resumeOperations(db, flowRegistry([flow as Flow<never>]), log, at);
/** The resume job once the lease of a runner that started at `now` has run out. */
const resumeAfterLease = (flow: Flow<State>, now: number) => resumeAt(flow, now + OPERATION_LEASE_MS);

async function operationOf(flow: Flow<State>) {
  return db.selectFrom('operations').selectAll().where('flow', '=', flow.name).execute();
}

let seq = 0;
const fresh = (prefix: string) => `${prefix}-${++seq}-${Date.now()}`;

describe('step runner', () => {
  it('runs every step in order, records the operation and finishes it', async () => {
    const { flow, key } = scenario();
    const out = await runFlow(db, flow, { key });
    expect(out.remoteAnswer).toBe(`answer-${key}`);
    expect(await writes(key)).toEqual(['1-reserve', '3-confirm']);
    const [op] = await operationOf(flow);
    expect(op).toMatchObject({ status: 'done', step: 3, next_attempt_at: null });
  });

  it('writes no record for a flow that ends in its first transaction', async () => {
    const { flow, key } = scenario(() => flowOf(local('1-only', { outcome: { end: true, set: { total: 7 } } }), local('2-never')));
    expect(await runFlow(db, flow, { key })).toEqual({ key, total: 7 });
    expect(await writes(key)).toEqual(['1-only']);
    expect(await operationOf(flow)).toEqual([]);
  });

  it('throws a first step rejection as is, with nothing written or recorded', async () => {
    const { flow, key } = scenario(() => flowOf(local('1-reject', { error: new Refused('not payable') }), local('2')));
    await expect(runFlow(db, flow, { key })).rejects.toBeInstanceOf(Refused);
    expect(await writes(key)).toEqual([]);
    expect(await operationOf(flow)).toEqual([]);
  });

  it('compensates the steps before a step that fails for good, in reverse order', async () => {
    const { service, flow, key } = scenario();
    service.failNext('refuse');
    const err = await runFlow(db, flow, { key }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FlowCompensated);
    expect((err as FlowCompensated).step).toBe('2-call');
    expect((err as FlowCompensated).cause).toBeInstanceOf(Refused);
    expect(await writes(key)).toEqual([]);
    // The refused call had no effect: only the steps before it are undone.
    expect(service.calls).toEqual([`call:${key}`]);
    const [op] = await operationOf(flow);
    expect(op).toMatchObject({ status: 'compensated', step: -1, next_attempt_at: null });
  });

  it('compensates a remote step too when a later local step fails for good', async () => {
    const { service, flow, key } = scenario((svc) => flowOf(local('1-reserve'), remote(svc), local('3-confirm', { error: new Refused('confirm refused') })));
    await expect(runFlow(db, flow, { key })).rejects.toBeInstanceOf(FlowCompensated);
    expect(service.calls).toEqual([`call:${key}`, `undo:${key}`]);
    expect(service.held.has(key)).toBe(false);
    expect(await writes(key)).toEqual([]);
  });

  it('leaves an operation in doubt for the resume job, which retries it after the lease', async () => {
    const { service, flow, key, now } = scenario();
    service.failNext('outage-after');
    const stopped = await runFlow(db, flow, { key }, now).catch((e: unknown) => e);
    expect(stopped).toBeInstanceOf(FlowInDoubt);
    expect((stopped as FlowInDoubt).cause).toBeInstanceOf(Outage);
    expect(await writes(key)).toEqual(['1-reserve']);
    let [op] = await operationOf(flow);
    expect(op).toMatchObject({ status: 'running', step: 1, next_attempt_at: now + OPERATION_LEASE_MS });

    // Within the lease the runner may still be at work: nobody takes it.
    expect(await resumeAt(flow, now + OPERATION_LEASE_MS - 1)).toBe(0);
    expect(await resumeAfterLease(flow, now)).toBe(1);
    [op] = await operationOf(flow);
    expect(op).toMatchObject({ status: 'done', step: 3, attempts: 1 });
    expect(await writes(key)).toEqual(['1-reserve', '3-confirm']);
    // The call was made twice with one key: the service kept one entry.
    expect(service.calls).toEqual([`call:${key}`, `call:${key}`]);
    expect(service.held.size).toBe(1);
  });

  it('compensates an operation in doubt whose step says so, the doubtful call included', async () => {
    const { service, flow, key, now } = scenario((svc) => threeSteps(svc, 'compensate'));
    service.failNext('outage-after');
    await expect(runFlow(db, flow, { key }, now)).rejects.toMatchObject({ cause: expect.any(Outage) });
    expect(service.held.has(key)).toBe(true);
    expect(await resumeAfterLease(flow, now)).toBe(1);
    expect(service.held.has(key)).toBe(false);
    expect(await writes(key)).toEqual([]);
    const [op] = await operationOf(flow);
    expect(op).toMatchObject({ status: 'compensated' });
  });

  it('finishes a compensation that failed half way on a later attempt, with backoff', async () => {
    const { service, flow, key, now } = scenario((svc) => flowOf(local('1-a'), local('2-b', { undoFails: 1 }), remote(svc, { name: '3-call' }), local('4-c')));
    service.failNext('refuse');
    // The compensation's own failure is what the caller sees; the operation stays open.
    await expect(runFlow(db, flow, { key }, now)).rejects.toMatchObject({ cause: expect.any(Outage) });
    let [op] = await operationOf(flow);
    expect(op).toMatchObject({ status: 'running', step: 2 });
    expect(await writes(key)).toEqual(['1-a', '2-b']);

    // The resume retries the refused call (this step's policy is retry) and the flow finishes.
    expect(await resumeAfterLease(flow, now)).toBe(1);
    [op] = await operationOf(flow);
    expect(op).toMatchObject({ status: 'done' });
    expect(await writes(key)).toEqual(['1-a', '2-b', '4-c']);
  });

  it('resumes a compensation from the step it had reached', async () => {
    const { flow, key, now } = scenario(() => flowOf(local('1-a'), local('2-b'), local('3-c', { undoFails: 1 }), local('4-d', { error: new Refused('no') })));
    await expect(runFlow(db, flow, { key }, now)).rejects.toMatchObject({ cause: expect.any(Outage) });
    expect(await writes(key)).toEqual(['1-a', '2-b', '3-c']);
    // Nothing was undone yet (the first compensation failed): still running at the failing step.
    expect((await operationOf(flow))[0]).toMatchObject({ status: 'running', step: 3 });
    // On resume the failing step fails again and the compensation runs to the end.
    expect(await resumeAfterLease(flow, now)).toBe(1);
    expect(await writes(key)).toEqual([]);
    expect((await operationOf(flow))[0]).toMatchObject({ status: 'compensated', step: -1 });
  });

  it('lets one of two racing resumers take an operation, and stops a runner overtaken past its lease', async () => {
    const { service, flow, key, now } = scenario();
    service.failNext('outage');
    await expect(runFlow(db, flow, { key }, now)).rejects.toMatchObject({ cause: expect.any(Outage) });
    const [a, b] = await Promise.all([resumeAfterLease(flow, now), resumeAfterLease(flow, now)]);
    expect(a + b).toBe(1);
    expect(await writes(key)).toEqual(['1-reserve', '3-confirm']);
    expect(service.calls.filter((c) => c.startsWith('call')).length).toBe(2);

    // A runner slower than its lease: a resumer finished the operation meanwhile, so its record is refused.
    const slow = scenario();
    const release = slow.service.holdNextAnswer();
    const running = runFlow(db, slow.flow, { key: slow.key }, now).catch((e: unknown) => e);
    while (slow.service.calls.length === 0) await new Promise((r) => setTimeout(r, 5));
    expect(await resumeAfterLease(slow.flow, now)).toBe(1);
    release();
    expect(await running).toBeInstanceOf(OperationTaken);
    expect(await writes(slow.key)).toEqual(['1-reserve', '3-confirm']);
  });

  it('refuses a flow whose first step is remote or whose step names repeat', () => {
    expect(() => flowOf(remote(remoteService()))).toThrow(/first step must be local/);
    expect(() => flowOf(local('a'), local('a'))).toThrow(/twice/);
  });

  it('prunes finished operations after a week and keeps open ones', async () => {
    const { service, flow, now } = scenario();
    await runFlow(db, flow, { key: fresh('k') }, now);
    service.failNext('outage');
    await expect(runFlow(db, flow, { key: fresh('k') }, now)).rejects.toMatchObject({ cause: expect.any(Outage) });
    await pruneOperations(db, now + OPERATION_KEEP_MS + 1);
    const left = await operationOf(flow);
    expect(left.map((o) => o.status)).toEqual(['running']);
  });
});

describe('a remote step that can tell whether it happened', () => {
  const probed = (service: Service) => flowOf(local('1-reserve'), remote(service, { inDoubt: 'compensate', probe: true }));

  it('is finished, not compensated, when its effect is there after all', async () => {
    const { service, flow, key, now } = scenario(probed);
    service.failNext('outage-after');
    await expect(runFlow(db, flow, { key }, now)).rejects.toBeInstanceOf(FlowInDoubt);
    expect(await resumeAfterLease(flow, now)).toBe(1);
    expect(service.held.has(key)).toBe(true);
    expect(service.calls).toEqual([`call:${key}`]);
    expect(await writes(key)).toEqual(['1-reserve']);
    expect((await operationOf(flow))[0]).toMatchObject({ status: 'done', step: 2 });
  });

  it('is compensated as it declares when its effect is not there', async () => {
    const { service, flow, key, now } = scenario(probed);
    service.failNext('outage');
    await expect(runFlow(db, flow, { key }, now)).rejects.toBeInstanceOf(FlowInDoubt);
    expect(await resumeAfterLease(flow, now)).toBe(1);
    expect(await writes(key)).toEqual([]);
    expect((await operationOf(flow))[0]).toMatchObject({ status: 'compensated' });
  });
});
