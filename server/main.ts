import { buildApp } from './app';
import { createDb, migrateToLatest } from './db';
import { loadConfig, rebaseOnListen, ConfigError } from './infra/config';
import { startJobs } from './infra/jobs';
import { JOBS } from './compose';
import { seedIfEmpty } from './seed';
import { seedGiftCards } from './seed/wallet';
import { seedDemoStaff } from './seed/staff';
import { seedDemoLive } from './seed/live';

/** Process entry: config, database, migrations, demo seed, jobs, listen; graceful shutdown. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`Configuration error: ${err.message}\nSee docs/configuration.md.`);
      process.exit(2);
    }
    throw err;
  }
  const db = createDb(config);
  await migrateToLatest(db);
  const app = await buildApp({ config, db });
  if (config.seedDemo) {
    const seeded = await seedIfEmpty(db);
    if (seeded) app.log.info(seeded, 'seeded the demo shop');
    const cards = await seedGiftCards(db, Date.now());
    if (cards.issued > 0) app.log.info(cards, 'seeded the demo gift cards');
    // The demo owner's phone number is a real-looking one: only where its login code is the
    // sandbox's (SANDBOX=on) does it open the demo shops' workbench.
    if (config.sandbox) {
      const staff = await seedDemoStaff(db);
      if (staff.assigned > 0) app.log.info(staff, 'seeded the demo shops\' owner');
      if (staff.ownerId) {
        const live = await seedDemoLive(db, staff.ownerId);
        if (live.created > 0) app.log.info(live, 'seeded the demo live sessions');
      }
    }
  }
  const jobs = startJobs({ db, config, log: app.log, core: app.core }, JOBS);

  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  if (config.port === 0 && address && typeof address === 'object') rebaseOnListen(config, address.port);

  const base = config.publicBaseUrl;
  const lines = [
    '',
    `  Shop API      ${base}/api  (database: ${config.dialect === 'sqlite' ? config.sqlitePath : 'PostgreSQL'})`,
    `  H5 app        ${base}/`,
    `  API docs      ${base}/docs   (OpenAPI: ${base}/openapi.json)`,
    `  Health        ${base}/healthz`,
    config.sandbox ? `  Sandbox       on (stand-ins for mini-program login and SMS; codes at ${base}/sandbox/sms/latest?phone=...)` : '  Sandbox       off',
    ...(config.sandbox ? [`  Channels      WeChat Pay, Alipay, Douyin Pay stand-ins at ${base}/sandbox/<channel>/ (faults: ${base}/sandbox/faults)`] : []),
    `  Ledger check  npm run ledger:check`,
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    try {
      await jobs.stop();
      await app.close();
      await db.destroy();
      process.exit(0);
    } catch (err) {
      app.log.error({ err }, 'error during shutdown');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
