import fs from 'node:fs';
import path from 'node:path';
import { listPages, type SmokeReport } from './host';
import type { Platform } from './platform-api';
import { SMOKE_TOKEN } from './fixtures';
import { buildDirFor, runHostProcess } from './run-host';

/**
 * Every page of every mini-program build mounts in the simulated host: one test per platform
 * per page listed in the build's app.json, once as a guest and once signed in (a persisted
 * session, so the account pages load their data). A missing build is a failure that says how
 * to make it, never a silent skip.
 */
const repoRoot = path.resolve(__dirname, '..');
const platforms: Platform[] = ['weapp', 'alipay', 'tt'];

const runs = platforms.flatMap((platform) => [
  { platform, signedIn: false, label: `${platform} build in the simulated host, as a guest` },
  { platform, signedIn: true, label: `${platform} build in the simulated host, signed in` },
]);

for (const { platform, signedIn, label } of runs) {
  const buildDir = buildDirFor(platform);
  const appJson = path.join(buildDir, 'app.json');
  const shown = path.relative(repoRoot, buildDir) || buildDir;

  describe(label, () => {
    if (!fs.existsSync(appJson)) {
      test(`${shown} exists`, () => {
        throw new Error(`${shown}/app.json is missing: run \`npm run build:${platform}\` or \`node scripts/smoke.mjs --build\` first`);
      });
      return;
    }
    const pages = listPages(JSON.parse(fs.readFileSync(appJson, 'utf8')));
    let report: SmokeReport | null = null;
    let hostError: Error | null = null;
    const getReport = (): SmokeReport => {
      if (hostError) throw hostError;
      if (!report) throw new Error('the host did not run');
      return report;
    };

    beforeAll(() => {
      try {
        report = runHostProcess(buildDir, platform, { signedIn });
      } catch (err) {
        hostError = err instanceof Error ? err : new Error(String(err));
      }
    });

    test('app launches (App onLaunch/onShow)', () => {
      const r = getReport();
      expect(r.launch.errors).toEqual([]);
      expect(r.launch.ok).toBe(true);
    });

    test('app.json lists at least one page and the subpackages', () => {
      expect(pages.length).toBeGreaterThan(0);
    });

    // The host's share menu on the pages a shopper shares: a promoter's (the signed-in smoke shopper
    // promotes) path carries the token, a guest's is the plain page.
    const shared = [
      { route: 'pages/product/index', path: '/pages/product/index?id=p_demo', query: 'id=p_demo' },
      { route: 'pages/home/index', path: '/pages/home/index', query: '' },
    ];
    for (const { route, path: plain, query } of shared) {
      test(`${route}: the share handler answers ${signedIn ? 'the path with the token' : 'the plain path'}`, () => {
        const page = getReport().pages.find((p) => p.route === route);
        const answer = page?.share.appMessage as { path?: string; title?: string } | undefined;
        expect(answer?.title).toBeTruthy();
        const want = signedIn ? `${plain}${plain.includes('?') ? '&' : '?'}rt=${SMOKE_TOKEN}` : plain;
        expect(answer?.path).toBe(want);
        if (platform === 'weapp') {
          const timeline = page?.share.timeline as { query?: string } | undefined;
          expect(timeline?.query).toBe(signedIn ? [query, `rt=${SMOKE_TOKEN}`].filter(Boolean).join('&') : query);
          expect(page?.shareMenus).toContainEqual(expect.objectContaining({ withShareTicket: true, menus: ['shareAppMessage', 'shareTimeline'] }));
        } else {
          expect(page?.share.timeline).toBeUndefined();
          expect(page?.shareMenus).toEqual([]);
        }
      });
    }

    // The live room opens the canned session on air: the pinned card (讲解中) at the session price over
    // the struck original, what is left, 马上抢; its share carries the session (and a promoter's token).
    test('pages/live/room: the pinned card of the canned session, and its share', () => {
      const page = getReport().pages.find((p) => p.route === 'pages/live/room');
      expect(page?.errors).toEqual([]);
      // The host's text joins its nodes with spaces (the price is ¥, yuan and cents apart).
      const text = (page?.text ?? '').replace(/\s+/g, '');
      for (const want of ['讲解中', '示例商品', '¥15.90', '¥19.90', '剩12件', '马上抢', '秋冬上新直播专场', '1280人在看']) expect(text).toContain(want);
      expect(text.indexOf('讲解中')).toBeLessThan(text.indexOf('马上抢'));
      expect(page?.requests).toContainEqual(expect.stringContaining('/api/live/sessions/ls_demo'));
      const answer = page?.share.appMessage as { path?: string } | undefined;
      expect(answer?.path).toBe(signedIn ? `/pages/live/room?id=ls_demo&rt=${SMOKE_TOKEN}` : '/pages/live/room?id=ls_demo');
    });

    for (const route of pages) {
      test(`${route} mounts`, () => {
        const page = getReport().pages.find((p) => p.route === route);
        expect(page).toBeDefined();
        expect(page?.errors).toEqual([]);
        expect(page?.setDataCalls).toBeGreaterThan(0);
        expect(page?.renderedNodes).toBeGreaterThan(0);
        expect(page?.ok).toBe(true);
      });
    }
  });
}
