import type { Kysely } from 'kysely';
import type { Database } from '../db/types';
import { prepared } from '../db/prepared';
import { transact } from '../db/transaction';
import { newId } from './ids';

/**
 * The step runner: a multi-step flow that moves money (create a payment, refund, and every later
 * one) is written as named steps, each with its compensation declared beside it, and run here
 * with a durable record of where it stands (the operation log, table `operations`), so that a
 * crash between two steps is finished or compensated on restart (resumeOperations, a job).
 *
 * Two kinds of step:
 * - local: database work. It runs inside a transaction together with the log's record of it,
 *   so the step and its record commit together or not at all. A local step that throws did
 *   nothing.
 * - remote: a call to the outside (a payment channel). It runs outside any transaction and must
 *   be idempotent by a key the flow's state carries (our payment or refund number), because
 *   after a crash nobody knows whether it happened. Its result is recorded by the next local
 *   step (or by a record of its own when it is the last step). A step `inDoubt` policy says what
 *   a restart does with it: 'retry' (call it again) or 'compensate' (undo it and everything
 *   before it; its compensation must then tolerate that it never happened).
 *
 * A step that fails for good (`flow.fails(err)`: a refusal, not an outage) ends the flow: the steps done so far are compensated in reverse order, each compensation recorded as
 * it completes, and the error is thrown to the caller. Any other error (a database outage, an
 * unknown channel outcome) leaves the operation where it stands for resumeOperations, and is
 * thrown to the caller too.
 *
 * The log costs what the flow needs and no more: a flow that ends within its first transaction
 * writes no record (the transaction is the record); otherwise the first local step inserts the
 * record and each later record is one update in the transaction of the step it records. While a
 * runner works on an operation it holds it (`next_attempt_at` is a lease, renewed by each
 * record), so a resume on another node never runs beside it. Records of finished operations are
 * kept for a week (pruneOperations).
 */

type Db = Kysely<Database>;

export type OperationStatus = 'running' | 'done' | 'compensating' | 'compensated';

/** What a step answers: changes to the flow's state; `end` finishes the flow after this step. */
export interface StepOutcome<S> {
  set?: Partial<S>;
  end?: boolean;
}

export interface LocalStep<S> {
  name: string;
  kind: 'local';
  run(trx: Db, state: S, now: number): Promise<StepOutcome<S> | void>;
  /** Undoes the step, in a transaction with the record of it. Omitted: nothing to undo. */
  compensate?(trx: Db, state: S, now: number): Promise<void>;
}

export interface RemoteStep<S> {
  name: string;
  kind: 'remote';
  run(state: S, now: number): Promise<StepOutcome<S> | void>;
  /** Undoes the call (or makes sure it has no effect); must tolerate that it never happened. */
  compensate?(state: S, now: number): Promise<void>;
  /** After a crash (or an unknown outcome) with this step not recorded: call again, or compensate. */
  inDoubt: 'retry' | 'compensate';
  /**
   * Asks whether the call happened after all (its effect is visible, e.g. a row it wrote), and
   * with what outcome: a resume then goes on from the next step instead of applying `inDoubt`.
   * Null: not known to have happened.
   */
  happened?(state: S): Promise<StepOutcome<S> | null>;
}

export type Step<S> = LocalStep<S> | RemoteStep<S>;

export interface Flow<S> {
  /** Stored in operations.flow: keep it stable across releases. */
  name: string;
  steps: readonly Step<S>[];
  /**
   * Whether a step's error means it failed for good and had no effect, so the flow ends and the
   * steps before it are compensated; otherwise (an outage, an unknown outcome) the operation
   * waits for resumeOperations.
   */
  fails(err: unknown): boolean;
}

/** Flows by name, for resumeOperations. */
export type FlowRegistry = ReadonlyMap<string, Flow<never>>;

export function defineFlow<S>(flow: Flow<S>): Flow<S> {
  const names = new Set<string>();
  for (const step of flow.steps) {
    if (names.has(step.name)) throw new Error(`flow ${flow.name}: step ${step.name} twice`);
    names.add(step.name);
  }
  if (flow.steps[0]?.kind !== 'local') throw new Error(`flow ${flow.name}: the first step must be local (it writes the first record)`);
  return flow;
}

export function flowRegistry(flows: readonly Flow<never>[]): FlowRegistry {
  return new Map(flows.map((f) => [f.name, f]));
}

/** How long a runner holds an operation after each record: longer than any remote call takes. */
export const OPERATION_LEASE_MS = 60_000;
/** Longest wait between two attempts at a stuck operation. */
export const OPERATION_MAX_BACKOFF_MS = 10 * 60_000;
/** Finished operations are kept this long. */
export const OPERATION_KEEP_MS = 7 * 24 * 3_600_000;

/** A flow's error after its completed steps were compensated. */
export class FlowCompensated extends Error {
  constructor(
    readonly flow: string,
    readonly step: string,
    override readonly cause: unknown,
    /** The flow's state when the step failed. */
    readonly state: unknown,
  ) {
    super(`${flow}: step ${step} failed; the steps before it were compensated`);
  }
}

interface OperationRow {
  id: string;
  flow: string;
  status: string;
  step: number;
  state: string;
  attempts: number;
  next_attempt_at: number | null;
  created_at: number;
}

const insertOperation = prepared<{ id: string; flow: string; step: number; state: string; leaseUntil: number; now: number }>((db, p) =>
  db.insertInto('operations').values({
    id: p('id'),
    flow: p('flow'),
    status: 'running',
    step: p('step'),
    state: p('state'),
    attempts: 0,
    next_attempt_at: p('leaseUntil'),
    last_error: null,
    created_at: p('now'),
    updated_at: p('now'),
  }),
);

/** One record: where the operation stands now. Guarded by where it stood, so two runners never both record a step. */
const recordOperation = prepared<{ id: string; from: number; fromStatus: string; step: number; status: string; state: string; next: number | null; now: number }>((db, p) =>
  db
    .updateTable('operations')
    .set({ step: p('step'), status: p('status'), state: p('state'), next_attempt_at: p('next'), updated_at: p('now') })
    .where('id', '=', p('id'))
    .where('step', '=', p('from'))
    .where('status', '=', p('fromStatus')),
);

/** The same, keeping the recorded state (a finished operation's state is not needed again). */
const finishOperation = prepared<{ id: string; from: number; fromStatus: string; step: number; status: string; now: number }>((db, p) =>
  db
    .updateTable('operations')
    .set({ step: p('step'), status: p('status'), next_attempt_at: null, updated_at: p('now') })
    .where('id', '=', p('id'))
    .where('step', '=', p('from'))
    .where('status', '=', p('fromStatus')),
);

/** A step (or a compensation) stopped without an end: the operation is left for resumeOperations. */
export class FlowInDoubt extends Error {
  constructor(
    readonly flow: string,
    readonly step: string,
    override readonly cause: unknown,
    /** The flow's state when it stopped. */
    readonly state: unknown,
  ) {
    super(`${flow}: step ${step} did not finish (${cause instanceof Error ? cause.message : String(cause)}); the operation resumes later`);
  }
}

/** Another runner recorded this operation first (a resume overtook a runner past its lease): this one stops. */
export class OperationTaken extends Error {
  constructor(readonly operationId: string) {
    super(`operation ${operationId} was moved on by another runner`);
  }
}

/** Where a runner is in an operation: the step and status of its last record (id null: nothing recorded yet). */
interface Cursor {
  id: string | null;
  step: number;
  status: OperationStatus;
}

interface Mark {
  step: number;
  status: OperationStatus;
  /** Written with the record; omitted for a finished operation. */
  state?: unknown;
}

/** Writes the record `to` in `trx`, guarded by the cursor; answers the cursor it leaves (applied only once trx commits). */
async function record(trx: Db, op: Cursor, to: Mark, now: number): Promise<Cursor> {
  if (op.id === null) throw new Error('an operation without a first record');
  const finished = to.status === 'done' || to.status === 'compensated';
  const res =
    to.state === undefined || finished
      ? await finishOperation.execute(trx, { id: op.id, from: op.step, fromStatus: op.status, step: to.step, status: to.status, now })
      : await recordOperation.execute(trx, {
          id: op.id,
          from: op.step,
          fromStatus: op.status,
          step: to.step,
          status: to.status,
          state: JSON.stringify(to.state),
          next: now + OPERATION_LEASE_MS,
          now,
        });
  if (Number(res.numAffectedRows ?? 0) !== 1) throw new OperationTaken(op.id);
  return { id: op.id, step: to.step, status: to.status };
}

function merge<S>(state: S, outcome: StepOutcome<S> | void): S {
  return outcome?.set ? { ...state, ...outcome.set } : state;
}

/**
 * Runs a flow from its first step with `state`; answers the final state. The first step's
 * error is thrown as is (nothing happened); a later step that fails for good throws
 * FlowCompensated (after the steps before it were compensated); any other stop throws
 * FlowInDoubt and leaves the operation for resumeOperations.
 */
export async function runFlow<S>(db: Db, flow: Flow<S>, state: S, now = Date.now()): Promise<S> {
  return forward(db, flow, { id: null, step: 0, status: 'running' }, state, now);
}

async function forward<S>(db: Db, flow: Flow<S>, start: Cursor, initial: S, now: number, from = start.step): Promise<S> {
  let op = start;
  let state = initial;
  const last = flow.steps.length - 1;
  for (let i = from; i <= last; i++) {
    const step = flow.steps[i];
    let outcome: StepOutcome<S> | void;
    try {
      if (step.kind === 'local') {
        const before = state;
        const result = await transact(db, async (trx) => {
          const out = await step.run(trx, before, now);
          const next = merge(before, out);
          const finished = Boolean(out?.end) || i === last;
          if (op.id !== null) return { out, next, cursor: await record(trx, op, finished ? { step: i + 1, status: 'done' } : { step: i + 1, status: 'running', state: next }, now) };
          // The first transaction: a flow that ends in it needs no record.
          if (finished) return { out, next, cursor: op };
          const id = newId('op', now);
          await insertOperation.execute(trx, { id, flow: flow.name, step: i + 1, state: JSON.stringify(next), leaseUntil: now + OPERATION_LEASE_MS, now });
          return { out, next, cursor: { id, step: i + 1, status: 'running' as const } };
        });
        op = result.cursor;
        state = result.next;
        outcome = result.out;
      } else {
        outcome = await step.run(state, now);
        state = merge(state, outcome);
        if (outcome?.end || i === last) {
          // One statement: no transaction around it.
          op = await record(db, op, { step: i + 1, status: 'done' }, now);
        }
      }
    } catch (err) {
      if (err instanceof OperationTaken) throw err;
      // The first step did nothing and nothing was recorded: the caller's error, as is.
      if (op.id === null) throw err;
      if (!flow.fails(err)) throw new FlowInDoubt(flow.name, step.name, err, state);
      // Failed for good: the step had no effect (a local one rolled back); undo the ones before it.
      try {
        await compensate(db, flow, op, state, i - 1, now);
      } catch (undoErr) {
        if (undoErr instanceof OperationTaken) throw undoErr;
        throw new FlowInDoubt(flow.name, step.name, undoErr, state);
      }
      throw new FlowCompensated(flow.name, step.name, err, state);
    }
    if (outcome?.end) return state;
  }
  return state;
}

/**
 * Undoes steps `from` down to the first, in reverse order. Each local compensation commits with
 * its record; a remote one is recorded by the next local one (so after a crash it runs again:
 * remote compensations are idempotent).
 */
async function compensate<S>(db: Db, flow: Flow<S>, start: Cursor, state: S, from: number, now: number): Promise<void> {
  let op = start;
  for (let j = from; j >= 0; j--) {
    const step = flow.steps[j];
    if (step.kind === 'remote') {
      if (step.compensate) await step.compensate(state, now);
      continue;
    }
    const cursor = op;
    op = await transact(db, async (trx) => {
      if (step.compensate) await step.compensate(trx, state, now);
      return record(trx, cursor, j === 0 ? { step: -1, status: 'compensated' } : { step: j - 1, status: 'compensating', state }, now);
    });
  }
}

export interface ResumeLog {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

const selectDue = prepared<{ now: number; limit: number }, OperationRow>((db, p) =>
  db
    .selectFrom('operations')
    .select(['id', 'flow', 'status', 'step', 'state', 'attempts', 'next_attempt_at', 'created_at'])
    .where('status', 'in', ['running', 'compensating'])
    .where('next_attempt_at', '<=', p('now'))
    .orderBy('next_attempt_at')
    .limit(p('limit')),
);

/** Claims a due operation for one attempt (guarded by what was read: one node wins); the claim is its lease. */
const claimOperation = prepared<{ id: string; seen: number; attempts: number; until: number; now: number }>((db, p) =>
  db
    .updateTable('operations')
    .set({ attempts: p('attempts'), next_attempt_at: p('until'), updated_at: p('now') })
    .where('id', '=', p('id'))
    .where('next_attempt_at', '=', p('seen'))
    .where('status', 'in', ['running', 'compensating']),
);

function backoff(attempts: number): number {
  return Math.min(OPERATION_MAX_BACKOFF_MS, OPERATION_LEASE_MS * 2 ** Math.min(attempts, 10));
}

export type ResumeOutcome = 'finished' | 'compensated' | 'waiting';

/** Takes one recorded operation on from where it stands. */
async function resumeOne(db: Db, flow: Flow<unknown>, row: OperationRow, now: number): Promise<ResumeOutcome> {
  const op: Cursor = { id: row.id, step: Number(row.step), status: row.status as OperationStatus };
  const state: unknown = JSON.parse(row.state);
  if (op.status === 'compensating') {
    await compensate(db, flow, op, state, op.step, now);
    return 'compensated';
  }
  const step = flow.steps[op.step];
  if (!step) throw new Error(`operation ${row.id}: ${flow.name} has no step ${op.step}`);
  if (step.kind === 'remote' && step.happened) {
    // The call's effect is visible: it happened; go on from the next step with its outcome.
    const seen = await step.happened(state as never);
    if (seen) return resumeForward(db, flow, { ...op }, op.step, seen, state, now);
  }
  if (step.kind === 'remote' && step.inDoubt === 'compensate') {
    // Whether the call happened is unknown: undo it (its compensation tolerates that it did not) and all before it.
    await compensate(db, flow, op, state, op.step, now);
    return 'compensated';
  }
  try {
    await forward(db, flow, op, state, now);
    return 'finished';
  } catch (err) {
    if (err instanceof FlowCompensated) return 'compensated';
    throw err instanceof FlowInDoubt ? err.cause : err;
  }
}

/** Goes on after remote step `i`, which happened with `outcome`: the next steps, or the final record. */
async function resumeForward(db: Db, flow: Flow<unknown>, op: Cursor, i: number, outcome: StepOutcome<unknown>, state: unknown, now: number): Promise<ResumeOutcome> {
  const next = merge(state, outcome);
  if (outcome.end || i === flow.steps.length - 1) {
    await record(db, op, { step: i + 1, status: 'done' }, now);
    return 'finished';
  }
  try {
    await forward(db, flow, { ...op }, next, now, i + 1);
    return 'finished';
  } catch (err) {
    if (err instanceof FlowCompensated) return 'compensated';
    throw err instanceof FlowInDoubt ? err.cause : err;
  }
}

/**
 * The resume job: operations whose runner stopped (a crash, an unknown outcome, a failed
 * compensation) and whose lease or backoff has run out are claimed one by one and taken on:
 * forward from the first unrecorded step, or compensated, as their steps declare. Safe on
 * several nodes. Answers how many it took to an end.
 */
export async function resumeOperations(db: Db, flows: FlowRegistry, log: ResumeLog, now = Date.now(), batchSize = 50): Promise<number> {
  const { rows } = await selectDue.execute(db, { now, limit: batchSize });
  let ended = 0;
  for (const row of rows) {
    const attempts = Number(row.attempts) + 1;
    const claimed = await claimOperation.execute(db, { id: row.id, seen: Number(row.next_attempt_at), attempts, until: now + backoff(attempts - 1), now });
    if (Number(claimed.numAffectedRows ?? 0) !== 1) continue;
    const flow = flows.get(row.flow) as Flow<unknown> | undefined;
    if (!flow) {
      log.error({ operationId: row.id, flow: row.flow }, 'operation of an unknown flow; left for an operator');
      continue;
    }
    try {
      await resumeOne(db, flow, row, now);
      ended += 1;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      log.warn({ operationId: row.id, flow: row.flow, attempts, err: message }, 'operation not finished; retried later');
      await db.updateTable('operations').set({ last_error: message.slice(0, 500), updated_at: now }).where('id', '=', row.id).execute();
    }
  }
  return ended;
}

/** Deletes the records of operations finished more than OPERATION_KEEP_MS ago. */
export async function pruneOperations(db: Db, now = Date.now()): Promise<number> {
  const res = await db
    .deleteFrom('operations')
    .where('status', 'in', ['done', 'compensated'])
    .where('updated_at', '<', now - OPERATION_KEEP_MS)
    .executeTakeFirst();
  return Number(res.numDeletedRows);
}
