/**
 * The checkout against its floors, in one run: `npm run bench:versus-floors`.
 *
 * Runs bench/floors.ts (SQL and HTTP floors) and bench/checkout.ts (the real app, sandbox channel)
 * alternately, BENCH_PAIRS times (default 2), and prints for each pair the app's full-checkout
 * rate beside its floor measured just before it, and the ratio:
 *   - SQLite: the app against the SQL floor of its statements on raw better-sqlite3 (commit
 *     every 16 checkouts, the best case), and against the no-logic ceiling of its one thread
 *     (that SQL plus the bare HTTP floor's CPU per checkout);
 *   - PostgreSQL: the app against the floor of the same statements with each transaction sent
 *     as one compound command (pgbench).
 * With BENCH_BEFORE=<folder of another checkout of this repository> (a git worktree at an
 * older commit, dependencies installed), its bench/checkout.ts runs too, right after this
 * tree's, in every pair: before and after, interleaved on one machine.
 *
 * Passes BENCH_CHECKOUTS (default 3000), BENCH_DURATION, BENCH_FLOOR_CHECKOUTS (default 20000)
 * and BENCH_FLOOR_PG_SECONDS (default 10) through. A report, never a pass/fail test.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

interface FloorJson {
  sqlite: { label: string; rate: number }[];
  postgres: { label: string; rate: number; postgresCpuMsPerCheckout: number }[];
  http: { label: string; rate: number; cpuMsPerCheckout: number }[];
}
interface CheckoutRow {
  setup: string;
  scenario: string;
  rate: number;
  detail: string;
}

const PAIRS = Number(process.env.BENCH_PAIRS ?? 2);
const BEFORE = process.env.BENCH_BEFORE ? path.resolve(process.env.BENCH_BEFORE) : null;
const here = path.resolve(__dirname, '..');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'shop-versus-'));

function run(cwd: string, script: string, env: Record<string, string>): unknown {
  const out = path.join(tmp, `${Date.now()}.json`);
  const tsx = path.join(here, 'node_modules', '.bin', 'tsx');
  const r = spawnSync(tsx, [script], { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, ...env, BENCH_JSON: out } });
  if (r.status !== 0) throw new Error(`${script} in ${cwd} failed (${r.status ?? r.signal})`);
  if (existsSync(out)) return JSON.parse(readFileSync(out, 'utf8'));
  // An older bench/checkout.ts (BENCH_BEFORE) prints only its markdown table.
  return r.stdout
    .split('\n')
    .filter((l) => l.startsWith('| ') && !l.startsWith('| setup') && !l.startsWith('| ---'))
    .map((l) => l.split('|').map((c) => c.trim()))
    .map((c) => ({ setup: c[1], scenario: c[2], rate: Number(c[3]), detail: c[6] ?? '' }));
}

const floors = (): FloorJson => run(here, 'bench/floors.ts', { BENCH_FLOOR_PARTS: 'sql,http', BENCH_FLOOR_CHECKOUTS: process.env.BENCH_FLOOR_CHECKOUTS ?? '20000' }) as FloorJson;
const checkout = (cwd: string): CheckoutRow[] =>
  run(cwd, 'bench/checkout.ts', { BENCH_CHANNELS: 'sandbox', BENCH_CHECKOUTS: process.env.BENCH_CHECKOUTS ?? '3000', BENCH_DURATION: process.env.BENCH_DURATION ?? '2' }) as CheckoutRow[];

const rateOf = (rows: CheckoutRow[], setup: string) => rows.find((r) => r.setup === setup && r.scenario.startsWith('full checkout'))?.rate ?? NaN;
const pct = (a: number, b: number) => `${((a / b) * 100).toFixed(0)}%`;

function main(): void {
  const lines: string[][] = [];
  process.stderr.write(`Checkout versus floors: ${PAIRS} pairs, ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}${BEFORE ? `; before: ${BEFORE}` : ''}\n`);
  for (let pair = 1; pair <= PAIRS; pair++) {
    const floor = floors();
    const sqliteFloor = floor.sqlite.find((r) => r.label.includes('16 checkouts'))?.rate ?? NaN;
    const pgFloor = floor.postgres.find((r) => r.label.startsWith('(b)'))?.rate ?? NaN;
    // SQLite's one thread must also do the HTTP work: with no application logic at all, a
    // checkout costs the SQL floor's time plus the bare HTTP floor's CPU (node:http).
    const httpMs = floor.http.find((r) => r.label.includes('node:http'))?.cpuMsPerCheckout ?? NaN;
    const sqliteCeiling = 1000 / (1000 / sqliteFloor + httpMs);
    process.stderr.write(`  pair ${pair} floors: SQLite SQL ${sqliteFloor.toFixed(0)}/s + HTTP ${httpMs.toFixed(2)} ms -> no-logic ceiling ${sqliteCeiling.toFixed(0)}/s (${pct(sqliteCeiling, sqliteFloor)} of the SQL floor); PostgreSQL compound ${pgFloor.toFixed(0)}/s\n`);
    const trees: [string, string][] = [['after', here]];
    if (BEFORE) trees.unshift(['before', BEFORE]);
    for (const [name, cwd] of trees) {
      const rows = checkout(cwd);
      const sqlite = rateOf(rows, 'SQLite');
      const pg = rateOf(rows, 'PostgreSQL');
      lines.push([String(pair), name, sqlite.toFixed(0), sqliteFloor.toFixed(0), pct(sqlite, sqliteFloor), `${sqliteCeiling.toFixed(0)} (${pct(sqlite, sqliteCeiling)})`, pg.toFixed(0), pgFloor.toFixed(0), pct(pg, pgFloor)]);
      process.stderr.write(`  pair ${pair} ${name}: SQLite ${sqlite.toFixed(0)}/s (floor ${sqliteFloor.toFixed(0)}, ${pct(sqlite, sqliteFloor)}), PostgreSQL ${pg.toFixed(0)}/s (compound floor ${pgFloor.toFixed(0)}, ${pct(pg, pgFloor)})\n`);
    }
  }
  const head = ['pair', 'tree', 'SQLite checkouts/s', 'SQLite SQL floor', 'of floor', 'SQLite no-logic ceiling (app of it)', 'PostgreSQL checkouts/s', 'PostgreSQL compound floor', 'of floor'];
  process.stdout.write(`${[head, head.map(() => '---'), ...lines].map((c) => `| ${c.join(' | ')} |`).join('\n')}\n`);
  process.stdout.write(`(load at the end ${os.loadavg().map((l) => l.toFixed(1)).join(' ')})\n`);
}

try {
  main();
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
