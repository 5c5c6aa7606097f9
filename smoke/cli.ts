import path from 'node:path';
import { EXPECTED_REQUESTS_SIGNED_IN, EXPECTED_TEXT_SIGNED_IN, runSmoke } from './host';
import { SIGNED_IN_STORAGE, sessionStorageOf } from './fixtures';
import type { Platform } from './platform-api';

/**
 * Runs the simulated host over one build and prints the report as JSON on the last line of
 * stdout (`SMOKE_REPORT {...}`). Used by the jest tests in a child process, so the host has a
 * fresh process (its own globals and unhandled-rejection events) per build.
 *
 *   tsx smoke/cli.ts <buildDir> <weapp|alipay|tt> [--human] [--signed-in] [--realtime=<origin>]
 *
 * --signed-in starts with a persisted session (fixtures.ts), so the account pages load data.
 * --realtime=<origin> connects the app's realtime socket to the API running there (HTTP stays
 * canned) and waits after launch until it is subscribed; the session is then the one in the
 * environment variable SMOKE_SESSION (JSON { token, user, expiresAt } of a real login on that
 * server), since the socket authenticates for real.
 */
async function main(): Promise<void> {
  const [buildDir, platform, ...flags] = process.argv.slice(2);
  const signedIn = flags.includes('--signed-in');
  const realtime = flags.find((f) => f.startsWith('--realtime='))?.slice('--realtime='.length);
  if (!buildDir || !['weapp', 'alipay', 'tt'].includes(platform ?? '')) {
    process.stderr.write('usage: tsx smoke/cli.ts <buildDir> <weapp|alipay|tt> [--human] [--signed-in] [--realtime=<origin>]\n');
    process.exit(2);
  }
  let storage = signedIn ? SIGNED_IN_STORAGE : undefined;
  if (realtime) {
    if (!process.env.SMOKE_SESSION) throw new Error('--realtime needs SMOKE_SESSION: the JSON session of a real login on that server');
    storage = sessionStorageOf(JSON.parse(process.env.SMOKE_SESSION) as Parameters<typeof sessionStorageOf>[0]);
  }
  const report = await runSmoke({
    buildDir: path.resolve(buildDir),
    platform: platform as Platform,
    ...(signedIn || realtime ? { storage, expectedRequests: EXPECTED_REQUESTS_SIGNED_IN, expectedText: EXPECTED_TEXT_SIGNED_IN } : {}),
    ...(realtime ? { realtime: { target: realtime } } : {}),
  });
  if (flags.includes('--human')) {
    const line = (ok: boolean, name: string, errors: string[]) =>
      `${ok ? 'ok    ' : 'FAILED'} ${name}${errors.length ? `\n         ${errors.join('\n         ')}` : ''}`;
    process.stdout.write(`${platform}${signedIn ? ' signed in' : ''} (${report.buildDir})\n${line(report.launch.ok, 'app launch', report.launch.errors)}\n`);
    for (const p of report.pages) process.stdout.write(`${line(p.ok, p.route, p.errors)}\n`);
  }
  process.stdout.write(`SMOKE_REPORT ${JSON.stringify(report)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
