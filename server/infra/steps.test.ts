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
  return {
    calls,
    held,
    failNext(mode: typeof next) {
      next = mode;
    },
    async call(key: string): Promise<string> {
      calls.push(`call:${key}`);
      const mode = next;
      next = 'ok';
      if (mode === 'refuse') throw new Refused('the service refused');
      if (mode === 'outage') throw new Outage('the service did not answer');
      const answer = held.get(key) ?? `answer-${key}`;
      held.set(key, answer);
      // The call took effect but its answer was lost.
      if (mode === 'outage-after') throw new Outage('the answer was lost');
      return answer;
    },
    async undo(key: string): Promise<void> {
      calls.push(`undo:${key}`);
      held.delete(key);
    },
  };
}

async function writes(key: string): Promise<string[]> {
  const rows = await db.selectFrom('consumed_events').select('event_id').where('consumer', '=', `steps-test:${key}`).orderBy('event_id').execute();
  return rows.map((r) => r.event_id);
}

function localWrite(name: string, extra: Partial<LocalStep<State>> = {}): LocalStep<State> {
  return {
    name,
    kind: 'local',
    async run(trx, state, now) {
      await trx.insertInto('consumed_events').values({ consumer: `steps-test:${state.key}`, event_id: name, consumed_at: now }).onConflict((oc) => oc.doNothing()).execute();
    },
    async compensate(trx, state) {
      await trx.deleteFrom('consumed_events').where('consumer', '=', `steps-test:${state.key}`).where('event_id', '=', name).execute();
    },
    ...extra,
  };
}

function threeSteps(service: ReturnType<typeof remoteService>, inDoubt: 'retry' | 'compensate', name: string): Flow<State> {
  return defineFlow<State>({
    name,
    fails: (err) => err instanceof Refused,
    steps: [
      localWrite('1-reserve'),
      {
        name: '2-call',
        kind: 'remote',
        inDoubt,
        async run(state) {
          return { set: { remoteAnswer: await service.call(state.key) } };
        },
        async compensate(state) {
          await service.undo(state.key);
        },
      },
      localWrite('3-confirm'),
    ],
  });
}

async function operationOf(flow: string) {
  return db.selectFrom('operations').selectAll().where('flow', '=', flow).execute();
}

let seq = 0;
const fresh = (prefix: string) => `${prefix}-${++seq}-${Date.now()}`;

describe('step runner', () => {
  it('runs every step in order, records the operation and finishes it', async () => {
    const service = remoteService();
    const flow = threeSteps(service, 'retry', fresh('flow'));
    const key = fresh('k');
    const out = await runFlow(db, flow, { key });
    expect(out.remoteAnswer).toBe(`answer-${key}`);
    expect(await writes(key)).toEqual(['1-reserve', '3-confirm']);
    const [op] = await operationOf(flow.name);
    expect(op).toMatchObject({ status: 'done', step: 3, next_attempt_at: null });
  });

  it('writes no record for a flow that ends in its first transaction', async () => {
    const flow = defineFlow<State>({
      name: fresh('flow'),
      fails: () => true,
      steps: [localWrite('1-only', { run: async (trx, state, now) => {
        await trx.insertInto('consumed_events').values({ consumer: `steps-test:${state.key}`, event_id: '1-only', consumed_at: now }).execute();
        return { end: true, set: { total: 7 } };
      } }), localWrite('2-never')],
    });
    const key = fresh('k');
    expect(await runFlow(db, flow, { key })).toEqual({ key, total: 7 });
    expect(await writes(key)).toEqual(['1-only']);
    expect(await operationOf(flow.name)).toEqual([]);
  });

  it('throws a first step rejection as is, with nothing written or recorded', async () => {
    const flow = defineFlow<State>({
      name: fresh('flow'),
      fails: () => true,
      steps: [localWrite('1-reject', { run: async (trx, state, now) => {
        await trx.insertInto('consumed_events').values({ consumer: `steps-test:${state.key}`, event_id: '1-reject', consumed_at: now }).execute();
        throw new Refused('not payable');
      } }), localWrite('2')],
    });
    const key = fresh('k');
    await expect(runFlow(db, flow, { key })).rejects.toBeInstanceOf(Refused);
    expect(await writes(key)).toEqual([]);
    expect(await operationOf(flow.name)).toEqual([]);
  });

  it('compensates the steps before a step that fails for good, in reverse order', async () => {
    const service = remoteService();
    const flow = threeSteps(service, 'retry', fresh('flow'));
    const key = fresh('k');
    service.failNext('refuse');
    const err = await runFlow(db, flow, { key }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FlowCompensated);
    expect((err as FlowCompensated).step).toBe('2-call');
    expect((err as FlowCompensated).cause).toBeInstanceOf(Refused);
    expect(await writes(key)).toEqual([]);
    // The refused call had no effect: only the steps before it are undone.
    expect(service.calls).toEqual([`call:${key}`]);
    const [op] = await operationOf(flow.name);
    expect(op).toMatchObject({ status: 'compensated', step: -1, next_attempt_at: null });
  });

  it('compensates a remote step too when a later local step fails for good', async () => {
    const service = remoteService();
    const name = fresh('flow');
    const base = threeSteps(service, 'retry', name);
    const flow = defineFlow<State>({ ...base, steps: [...base.steps.slice(0, 2), localWrite('3-confirm', { run: async () => { throw new Refused('confirm refused'); } })] });
    const key = fresh('k');
    await expect(runFlow(db, flow, { key })).rejects.toBeInstanceOf(FlowCompensated);
    expect(service.calls).toEqual([`call:${key}`, `undo:${key}`]);
    expect(service.held.has(key)).toBe(false);
    expect(await writes(key)).toEqual([]);
  });

  it('leaves an operation in doubt for the resume job, which retries it after the lease', async () => {
    const service = remoteService();
    const flow = threeSteps(service, 'retry', fresh('flow'));
    const key = fresh('k');
    const now = Date.now();
    service.failNext('outage-after');
    const stopped = await runFlow(db, flow, { key }, now).catch((e: unknown) => e);
    expect(stopped).toBeInstanceOf(FlowInDoubt);
    expect((stopped as FlowInDoubt).cause).toBeInstanceOf(Outage);
    expect(await writes(key)).toEqual(['1-reserve']);
    let [op] = await operationOf(flow.name);
    expect(op).toMatchObject({ status: 'running', step: 1, next_attempt_at: now + OPERATION_LEASE_MS });

    const flows = flowRegistry([flow as Flow<never>]);
    // Within the lease the runner may still be at work: nobody takes it.
    expect(await resumeOperations(db, flows, log, now + OPERATION_LEASE_MS - 1)).toBe(0);
    expect(await resumeOperations(db, flows, log, now + OPERATION_LEASE_MS)).toBe(1);
    [op] = await operationOf(flow.name);
    expect(op).toMatchObject({ status: 'done', step: 3, attempts: 1 });
    expect(await writes(key)).toEqual(['1-reserve', '3-confirm']);
    // The call was made twice with one key: the service kept one entry.
    expect(service.calls).toEqual([`call:${key}`, `call:${key}`]);
    expect(service.held.size).toBe(1);
  });

  it('compensates an operation in doubt whose step says so, the doubtful call included', async () => {
    const service = remoteService();
    const flow = threeSteps(service, 'compensate', fresh('flow'));
    const key = fresh('k');
    const now = Date.now();
    service.failNext('outage-after');
    await expect(runFlow(db, flow, { key }, now)).rejects.toMatchObject({ cause: expect.any(Outage) });
    expect(service.held.has(key)).toBe(true);
    expect(await resumeOperations(db, flowRegistry([flow as Flow<never>]), log, now + OPERATION_LEASE_MS)).toBe(1);
    expect(service.held.has(key)).toBe(false);
    expect(await writes(key)).toEqual([]);
    const [op] = await operationOf(flow.name);
    expect(op).toMatchObject({ status: 'compensated' });
  });

  it('finishes a compensation that failed half way on a later attempt, with backoff', async () => {
    const service = remoteService();
    const name = fresh('flow');
    let undoFails = 1;
    const flow = defineFlow<State>({
      name,
      fails: (err) => err instanceof Refused,
      steps: [
        localWrite('1-a'),
        localWrite('2-b', { compensate: async (trx, state) => {
          if (undoFails-- > 0) throw new Outage('database went away');
          await trx.deleteFrom('consumed_events').where('consumer', '=', `steps-test:${state.key}`).where('event_id', '=', '2-b').execute();
        } }),
        { name: '3-call', kind: 'remote', inDoubt: 'retry', run: async (state) => ({ set: { remoteAnswer: await service.call(state.key) } }) },
        localWrite('4-c'),
      ],
    });
    const key = fresh('k');
    const now = Date.now();
    service.failNext('refuse');
    // The compensation's own failure is what the caller sees; the operation stays open.
    await expect(runFlow(db, flow, { key }, now)).rejects.toMatchObject({ cause: expect.any(Outage) });
    let [op] = await operationOf(name);
    expect(op).toMatchObject({ status: 'running', step: 2 });
    expect(await writes(key)).toEqual(['1-a', '2-b']);

    // The resume retries the refused call (this step's policy is retry) and the flow finishes.
    expect(await resumeOperations(db, flowRegistry([flow as Flow<never>]), log, now + OPERATION_LEASE_MS)).toBe(1);
    [op] = await operationOf(name);
    expect(op).toMatchObject({ status: 'done' });
    expect(await writes(key)).toEqual(['1-a', '2-b', '4-c']);
  });

  it('resumes a compensation from the step it had reached', async () => {
    const name = fresh('flow');
    let undoFails = 1;
    const flow = defineFlow<State>({
      name,
      fails: (err) => err instanceof Refused,
      steps: [
        localWrite('1-a'),
        localWrite('2-b'),
        localWrite('3-c', { compensate: async (trx, state) => {
          if (undoFails-- > 0) throw new Outage('database went away');
          await trx.deleteFrom('consumed_events').where('consumer', '=', `steps-test:${state.key}`).where('event_id', '=', '3-c').execute();
        } }),
        localWrite('4-d', { run: async () => { throw new Refused('no'); } }),
      ],
    });
    const key = fresh('k');
    const now = Date.now();
    await expect(runFlow(db, flow, { key }, now)).rejects.toMatchObject({ cause: expect.any(Outage) });
    expect(await writes(key)).toEqual(['1-a', '2-b', '3-c']);
    // Nothing was undone yet (the first compensation failed): still running at the failing step.
    expect((await operationOf(name))[0]).toMatchObject({ status: 'running', step: 3 });
    // On resume the failing step fails again and the compensation runs to the end.
    expect(await resumeOperations(db, flowRegistry([flow as Flow<never>]), log, now + OPERATION_LEASE_MS)).toBe(1);
    expect(await writes(key)).toEqual([]);
    expect((await operationOf(name))[0]).toMatchObject({ status: 'compensated', step: -1 });
  });

  it('lets one of two racing resumers take an operation, and stops a runner overtaken past its lease', async () => {
    const service = remoteService();
    const flow = threeSteps(service, 'retry', fresh('flow'));
    const key = fresh('k');
    const now = Date.now();
    service.failNext('outage');
    await expect(runFlow(db, flow, { key }, now)).rejects.toMatchObject({ cause: expect.any(Outage) });
    const flows = flowRegistry([flow as Flow<never>]);
    const later = now + OPERATION_LEASE_MS;
    const [a, b] = await Promise.all([resumeOperations(db, flows, log, later), resumeOperations(db, flows, log, later)]);
    expect(a + b).toBe(1);
    expect(await writes(key)).toEqual(['1-reserve', '3-confirm']);
    expect(service.calls.filter((c) => c.startsWith('call')).length).toBe(2);

    // A runner slower than its lease: a resumer finished the operation meanwhile, so its record is refused.
    const slowService = remoteService();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slowFlow = defineFlow<State>({
      name: fresh('flow'),
      fails: (err) => err instanceof Refused,
      steps: [
        localWrite('1-reserve'),
        { name: '2-call', kind: 'remote', inDoubt: 'retry', run: async (state) => {
          const answer = await slowService.call(state.key);
          if (slowService.calls.length === 1) await gate;
          return { set: { remoteAnswer: answer } };
        } },
        localWrite('3-confirm'),
      ],
    });
    const slowKey = fresh('k');
    const running = runFlow(db, slowFlow, { key: slowKey }, now).catch((e: unknown) => e);
    while (slowService.calls.length === 0) await new Promise((r) => setTimeout(r, 5));
    expect(await resumeOperations(db, flowRegistry([slowFlow as Flow<never>]), log, later)).toBe(1);
    release();
    expect(await running).toBeInstanceOf(OperationTaken);
    expect(await writes(slowKey)).toEqual(['1-reserve', '3-confirm']);
  });

  it('refuses a flow whose first step is remote or whose step names repeat', () => {
    expect(() => defineFlow<State>({ name: 'x', fails: () => true, steps: [{ name: 'a', kind: 'remote', inDoubt: 'retry', run: async () => undefined }] })).toThrow(/first step must be local/);
    expect(() => defineFlow<State>({ name: 'x', fails: () => true, steps: [localWrite('a'), localWrite('a')] })).toThrow(/twice/);
  });

  it('prunes finished operations after a week and keeps open ones', async () => {
    const service = remoteService();
    const flow = threeSteps(service, 'retry', fresh('flow'));
    const now = Date.now();
    await runFlow(db, flow, { key: fresh('k') }, now);
    service.failNext('outage');
    await expect(runFlow(db, flow, { key: fresh('k') }, now)).rejects.toMatchObject({ cause: expect.any(Outage) });
    await pruneOperations(db, now + OPERATION_KEEP_MS + 1);
    const left = await operationOf(flow.name);
    expect(left.map((o) => o.status)).toEqual(['running']);
  });
});

describe('a remote step that can tell whether it happened', () => {
  function probed(service: ReturnType<typeof remoteService>, name: string): Flow<State> {
    return defineFlow<State>({
      name,
      fails: (err) => err instanceof Refused,
      steps: [
        localWrite('1-reserve'),
        {
          name: '2-call',
          kind: 'remote',
          inDoubt: 'compensate',
          run: async (state) => ({ set: { remoteAnswer: await service.call(state.key) } }),
          happened: async (state) => (service.held.has(state.key) ? { set: { remoteAnswer: service.held.get(state.key) } } : null),
          compensate: async (state) => service.undo(state.key),
        },
      ],
    });
  }

  it('is finished, not compensated, when its effect is there after all', async () => {
    const service = remoteService();
    const flow = probed(service, fresh('flow'));
    const key = fresh('k');
    const now = Date.now();
    service.failNext('outage-after');
    await expect(runFlow(db, flow, { key }, now)).rejects.toBeInstanceOf(FlowInDoubt);
    expect(await resumeOperations(db, flowRegistry([flow as Flow<never>]), log, now + OPERATION_LEASE_MS)).toBe(1);
    expect(service.held.has(key)).toBe(true);
    expect(service.calls).toEqual([`call:${key}`]);
    expect(await writes(key)).toEqual(['1-reserve']);
    expect((await operationOf(flow.name))[0]).toMatchObject({ status: 'done', step: 2 });
  });

  it('is compensated as it declares when its effect is not there', async () => {
    const service = remoteService();
    const flow = probed(service, fresh('flow'));
    const key = fresh('k');
    const now = Date.now();
    service.failNext('outage');
    await expect(runFlow(db, flow, { key }, now)).rejects.toBeInstanceOf(FlowInDoubt);
    expect(await resumeOperations(db, flowRegistry([flow as Flow<never>]), log, now + OPERATION_LEASE_MS)).toBe(1);
    expect(await writes(key)).toEqual([]);
    expect((await operationOf(flow.name))[0]).toMatchObject({ status: 'compensated' });
  });
});
