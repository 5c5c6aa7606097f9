/**
 * `npm run ledger:check`: proves the ledger balances and agrees with the payment tables
 * (server/checks/ledger.ts lists the invariants; docs/ledger.md explains them).
 * Reads the same configuration as the server: DATABASE_URL for PostgreSQL, else the SQLite file
 * in DATA_DIR. Read-only. Exit codes: 0 clean, 1 discrepancies found, 2 configuration or
 * connection error (or a database without the ledger tables).
 */
import { existsSync } from 'node:fs';
import { sql } from 'kysely';
import { createDb, type Db } from '../server/db';
import { ConfigError, loadConfig, type Config } from '../server/infra/config';
import { checkLedger, type LedgerCheckReport } from '../server/checks/ledger';

function fail(message: string): never {
  console.error(`ledger:check: ${message}`);
  process.exit(2);
}

function describeDb(config: Config): string {
  if (config.dialect === 'sqlite') return `SQLite ${config.sqlitePath}`;
  try {
    const url = new URL(config.databaseUrl ?? '');
    return `PostgreSQL ${url.hostname}:${url.port || '5432'}${url.pathname}`;
  } catch {
    return 'PostgreSQL';
  }
}

function print(report: LedgerCheckReport, where: string): void {
  const lines = [
    `Ledger check of ${where}`,
    `  transactions  ${report.transactions}`,
    `  entries       ${report.entries}`,
    `  accounts      ${report.accounts}`,
    `  payments      ${report.payments}`,
    `  refund parts  ${report.refundParts}`,
    `  commissions   ${report.commissions}`,
  ];
  if (report.discrepancies.length === 0) {
    lines.push('', 'OK: no discrepancies.');
  } else {
    lines.push('', `${report.discrepancies.length} discrepanc${report.discrepancies.length === 1 ? 'y' : 'ies'}:`);
    for (const d of report.discrepancies) lines.push(`  [${d.check}] ${d.message}`);
  }
  console.log(lines.join('\n'));
}

async function main(): Promise<number> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) fail(`configuration error: ${err.message} (see docs/configuration.md)`);
    throw err;
  }
  // Never create an empty SQLite file by checking a database that is not there.
  if (config.dialect === 'sqlite' && !existsSync(config.sqlitePath)) {
    fail(`no database at ${config.sqlitePath} (set DATA_DIR, or DATABASE_URL for PostgreSQL)`);
  }

  const where = describeDb(config);
  let db: Db;
  try {
    db = createDb(config);
    await sql`select 1`.execute(db);
  } catch (err) {
    fail(`cannot connect to ${where}: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    let report: LedgerCheckReport;
    try {
      report = await checkLedger(db);
    } catch (err) {
      fail(`cannot read the ledger in ${where} (is it migrated?): ${err instanceof Error ? err.message : String(err)}`);
    }
    print(report, where);
    return report.discrepancies.length === 0 ? 0 : 1;
  } finally {
    await db.destroy().catch(() => undefined);
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(2);
  },
);
