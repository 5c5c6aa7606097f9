import { sql, type Kysely } from 'kysely';
import { preparedFor, type PreparedQuery } from '../db/prepared';
import { AppError } from './errors';

/**
 * A lifecycle as plain data: states, the initial state and, per event, the states it may
 * leave from and the state it leads to. The engine below applies events to database rows
 * with guarded updates, so a duplicate or a race applies a transition at most once.
 */
export interface MachineDefinition<S extends string, E extends string> {
  name: string;
  states: readonly S[];
  initial: S;
  transitions: { readonly [K in E]: { readonly from: readonly S[]; readonly to: S } };
}

export interface Machine<S extends string, E extends string> extends MachineDefinition<S, E> {
  readonly events: readonly E[];
}

/** Checks the table is consistent (every state named, no event leading where it starts). */
export function defineMachine<const S extends string, const E extends string>(def: MachineDefinition<S, E>): Machine<S, E> {
  const known = new Set<string>(def.states);
  if (known.size !== def.states.length) throw new Error(`machine ${def.name}: duplicate state`);
  if (!known.has(def.initial)) throw new Error(`machine ${def.name}: unknown initial state ${def.initial}`);
  const events = Object.keys(def.transitions) as E[];
  for (const event of events) {
    const t = def.transitions[event];
    if (!known.has(t.to)) throw new Error(`machine ${def.name}: event ${event} leads to unknown state ${t.to}`);
    if (t.from.length === 0) throw new Error(`machine ${def.name}: event ${event} has no source state`);
    for (const from of t.from) {
      if (!known.has(from)) throw new Error(`machine ${def.name}: event ${event} leaves unknown state ${from}`);
      if (from === t.to) throw new Error(`machine ${def.name}: event ${event} loops on ${from}`);
    }
  }
  return Object.freeze({ ...def, events: Object.freeze(events) });
}

/** The one error for an event that the current state does not allow (409 ILLEGAL_TRANSITION). */
export class IllegalTransitionError extends AppError {
  readonly machine: string;
  readonly state: string;
  readonly event: string;
  constructor(machine: string, state: string, event: string) {
    super('ILLEGAL_TRANSITION', `${machine}: cannot ${event} when ${state}`, { state, event });
    this.name = 'IllegalTransitionError';
    this.machine = machine;
    this.state = state;
    this.event = event;
  }
}

export function canApply<S extends string, E extends string>(machine: Machine<S, E>, state: S, event: E): boolean {
  const t = machine.transitions[event];
  return t !== undefined && t.from.includes(state);
}

/** The state after `event`, or IllegalTransitionError. Pure; the in-memory twin of apply(). */
export function nextState<S extends string, E extends string>(machine: Machine<S, E>, state: S, event: E): S {
  if (!canApply(machine, state, event)) throw new IllegalTransitionError(machine.name, state, event);
  return machine.transitions[event].to;
}

/** Every state reachable from `start` (the initial state by default), start included. */
export function reachableStates<S extends string, E extends string>(machine: Machine<S, E>, start: S = machine.initial): Set<S> {
  const seen = new Set<S>([start]);
  const queue: S[] = [start];
  while (queue.length > 0) {
    const state = queue.shift() as S;
    for (const event of machine.events) {
      const t = machine.transitions[event];
      if (t.from.includes(state) && !seen.has(t.to)) {
        seen.add(t.to);
        queue.push(t.to);
      }
    }
  }
  return seen;
}

/** States no event leaves. */
export function terminalStates<S extends string, E extends string>(machine: Machine<S, E>): S[] {
  return machine.states.filter((s) => machine.events.every((e) => !machine.transitions[e].from.includes(s)));
}

/** Events the state allows. */
export function allowedEvents<S extends string, E extends string>(machine: Machine<S, E>, state: S): E[] {
  return machine.events.filter((e) => machine.transitions[e].from.includes(state));
}

export interface TransitionContext<DB, S extends string, E extends string> {
  trx: Kysely<DB>;
  machine: Machine<S, E>;
  table: string;
  id: string;
  event: E;
  to: S;
  /** The columns asked for with `returning`, as the guarded update left them. */
  row: Record<string, unknown>;
}

/** Side effects of a transition; run after the guarded update, inside the same transaction. */
export type TransitionHook<DB, S extends string, E extends string> = (ctx: TransitionContext<DB, S, E>) => Promise<void>;
export type TransitionHooks<DB, S extends string, E extends string> = {
  /** Runs after every transition, after the event's own hooks. */
  any?: TransitionHook<DB, S, E>[];
} & { [K in E]?: TransitionHook<DB, S, E>[] };

/** Column values written together with the status; keys are column names. */
export type ExtraSet = Record<string, string | number | null>;

const COLUMN = /^[a-z_][a-z0-9_]*$/;

/**
 * Applies `event` to the row `id` of `table` (columns `id` and `status`) with one guarded
 * update: `UPDATE table SET status = :to, ... WHERE id = :id AND status IN (:from)`.
 * When no row changes, the row is loaded: missing -> AppError NOT_FOUND, otherwise
 * IllegalTransitionError. Hooks run afterwards with the same transaction; call this inside
 * a transaction when hooks write.
 */
export async function apply<DB, S extends string, E extends string>(
  trx: Kysely<DB>,
  machine: Machine<S, E>,
  table: string,
  id: string,
  event: E,
  extraSet: ExtraSet = {},
  hooks?: TransitionHooks<DB, S, E>,
  returning: readonly string[] = [],
): Promise<S> {
  const t = machine.transitions[event];
  if (t === undefined) throw new Error(`machine ${machine.name}: unknown event ${String(event)}`);
  if (!COLUMN.test(table)) throw new Error(`bad table name ${table}`);
  const columns = Object.keys(extraSet);
  const params: Record<string, unknown> = { id };
  columns.forEach((column, i) => {
    params[`v${i}`] = extraSet[column];
  });
  const result = await transitionUpdate<DB>(machine.name, table, String(event), t, columns, returning).execute(trx, params);
  // With RETURNING, SQLite's driver reports the rows but no count.
  const changed = returning.length > 0 ? result.rows.length : Number(result.numAffectedRows ?? 0);
  if (changed !== 1) {
    const row = await sql<{ status: string }>`select ${sql.ref('status')} from ${sql.table(table)} where ${sql.ref('id')} = ${id}`.execute(trx);
    const current = row.rows[0];
    if (!current) throw new AppError('NOT_FOUND', `${machine.name} ${id} not found`);
    throw new IllegalTransitionError(machine.name, current.status, event);
  }
  if (hooks) {
    const ctx: TransitionContext<DB, S, E> = { trx, machine, table, id, event, to: t.to, row: (result.rows[0] ?? {}) as Record<string, unknown> };
    for (const hook of hooks[event] ?? []) await hook(ctx);
    for (const hook of hooks.any ?? []) await hook(ctx);
  }
  return t.to;
}

/**
 * The guarded update of one (machine, table, event, columns written) compiled once: the SQL of
 * a transition never changes, only its values (server/db/prepared.ts).
 */
function transitionUpdate<DB>(
  machineName: string,
  table: string,
  event: string,
  t: { from: readonly string[]; to: string },
  columns: readonly string[],
  returning: readonly string[],
): PreparedQuery<Record<string, unknown>, never, unknown, DB> {
  for (const column of [...columns, ...returning]) {
    if (!COLUMN.test(column) || (columns.includes(column) && (column === 'status' || column === 'id'))) throw new Error(`bad column ${column}`);
  }
  return preparedFor<DB>(`transition:${machineName}\u0000${table}\u0000${event}\u0000${columns.join(',')}\u0000${returning.join(',')}`, (db, p) => {
    const sets = [sql`${sql.ref('status')} = ${t.to}`, ...columns.map((column, i) => sql`${sql.ref(column)} = ${p(`v${i}`)}`)];
    const back = returning.length > 0 ? sql` returning ${sql.join(returning.map((c) => sql.ref(c)))}` : sql``;
    const update = sql`update ${sql.table(table)} set ${sql.join(sets)} where ${sql.ref('id')} = ${p('id')} and ${sql.ref('status')} in (${sql.join([...t.from])})${back}`;
    return { compile: () => update.compile(db) };
  });
}

/** Like apply(), but answers false instead of throwing IllegalTransitionError (for jobs and races). */
export async function tryApply<DB, S extends string, E extends string>(
  trx: Kysely<DB>,
  machine: Machine<S, E>,
  table: string,
  id: string,
  event: E,
  extraSet: ExtraSet = {},
  hooks?: TransitionHooks<DB, S, E>,
  returning: readonly string[] = [],
): Promise<boolean> {
  try {
    await apply(trx, machine, table, id, event, extraSet, hooks, returning);
    return true;
  } catch (err) {
    if (err instanceof IllegalTransitionError) return false;
    throw err;
  }
}
