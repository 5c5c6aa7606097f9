import path from 'node:path';
import { EXPECTED_REQUESTS_SIGNED_IN, EXPECTED_TEXT_SIGNED_IN, runSmoke } from './host';
import { SIGNED_IN_STORAGE } from './fixtures';
import type { Platform } from './platform-api';

/**
 * Runs the simulated host over one build and prints the report as JSON on the last line of
 * stdout (`SMOKE_REPORT {...}`). Used by the jest tests in a child process, so the host has a
 * fresh process (its own globals and unhandled-rejection events) per build.
 *
 *   tsx smoke/cli.ts <buildDir> <weapp|alipay|tt> [--human] [--signed-in]
 *
 * --signed-in starts with a persisted session (fixtures.ts), so the account pages load data.
 */
async function main(): Promise<void> {
  const [buildDir, platform, ...flags] = process.argv.slice(2);
  const signedIn = flags.includes('--signed-in');
  if (!buildDir || !['weapp', 'alipay', 'tt'].includes(platform ?? '')) {
    process.stderr.write('usage: tsx smoke/cli.ts <buildDir> <weapp|alipay|tt> [--human] [--signed-in]\n');
    process.exit(2);
  }
  const report = await runSmoke({
    buildDir: path.resolve(buildDir),
    platform: platform as Platform,
    ...(signedIn ? { storage: SIGNED_IN_STORAGE, expectedRequests: EXPECTED_REQUESTS_SIGNED_IN, expectedText: EXPECTED_TEXT_SIGNED_IN } : {}),
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
