import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { testDb, type TestDb } from '../test/db';
import { accountId } from '../modules/wallet';
import { buildLedgerScenario, type LedgerScenario } from '../modules/wallet/testing';

/** scripts/ledger-check.ts as an operator runs it: exit codes and output, on the test database. */
const root = path.resolve(__dirname, '../..');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
const script = path.join(root, 'scripts', 'ledger-check.ts');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(env: Record<string, string>): Promise<Run> {
  // No database settings leak in from the caller's environment.
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['DATABASE_URL', 'DATA_DIR', 'PGOPTIONS', 'TEST_DB']) delete childEnv[name];
  Object.assign(childEnv, { NODE_ENV: 'test', SANDBOX: 'off', TOKEN_SECRET: 'ledger-check-test-secret-0123456789abcdef' }, env);
  return new Promise((resolve) => {
    execFile(tsx, [script], { cwd: root, env: childEnv, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err && typeof err.code === 'number' ? err.code : err ? -1 : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

let tdb: TestDb;
let s: LedgerScenario;
let env: Record<string, string>;
beforeAll(async () => {
  tdb = await testDb();
  s = await buildLedgerScenario(tdb.db, Date.UTC(2025, 5, 1));
  env =
    tdb.dialect === 'postgres'
      ? { DATABASE_URL: tdb.databaseUrl ?? '', PGOPTIONS: `-c search_path=${tdb.schema}` }
      : { DATA_DIR: path.dirname(tdb.sqlitePath ?? '') };
});
afterAll(async () => {
  await tdb.destroy();
});

it('exits 0 on a clean ledger and prints the summary', async () => {
  const r = await run(env);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/transactions\s+\d+/);
  expect(r.stdout).toMatch(/entries\s+\d+/);
  expect(r.stdout).toMatch(/accounts\s+\d+/);
  expect(r.stdout).toMatch(/payments\s+4/);
  expect(r.stdout).toContain('OK: no discrepancies.');
});

it('exits 1 and lists each discrepancy', async () => {
  const id = accountId('user_balance', s.userId);
  await tdb.db.updateTable('ledger_accounts').set({ balance: sql<number>`balance + 7` }).where('id', '=', id).execute();
  try {
    const r = await run(env);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('1 discrepancy:');
    expect(r.stdout).toContain(`[account-balance] account ${id} has balance`);
  } finally {
    await tdb.db.updateTable('ledger_accounts').set({ balance: sql<number>`balance - 7` }).where('id', '=', id).execute();
  }
});

it('exits 2 on a configuration or connection error', async () => {
  const empty = mkdtempSync(path.join(os.tmpdir(), 'ledger-check-'));
  try {
    const missing = await run({ DATA_DIR: empty });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no database at');
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
  const badUrl = await run({ DATABASE_URL: 'mysql://u@127.0.0.1/db' });
  expect(badUrl.code).toBe(2);
  expect(badUrl.stderr).toContain('DATABASE_URL must be a postgres');
  const unreachable = await run({ DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
  expect(unreachable.code).toBe(2);
  expect(unreachable.stderr).toContain('cannot connect to PostgreSQL 127.0.0.1:1/none');
});
