import fs from 'node:fs';
import path from 'node:path';
import type { HostLiveSession } from '../contract/live';
import type { ProductDetail } from '../contract/catalog';
import { callApi, loginShopper, startApi, type SmokeApi } from './api-server';
import type { DrivenState, DrivenWait } from './driven-host';
import type { Platform } from './platform-api';
import { buildDirFor, openDrivenHost, type DrivenHost } from './run-host';
import { frames } from './sockets';

/**
 * The live room on every mini-program host against the real server: the compiled room page
 * (pages/live/room) runs in the simulated host with its HTTP and its realtime socket both on a
 * running API (smoke/driven-host.ts; the app lives in real time while the test acts). A guest
 * (nobody signed in) opens the room of a session on air: the page follows `live:{id}` over a
 * guest socket and shows no pinned card. The demo owner pins a product through the API: the
 * card with its title appears, delivered by the socket: within 3 s of the pin's answer (the
 * room's fallback poll is 10 s) with no request for the session in between, after the socket
 * received the `live.pinned` event. Unpinned: the card goes, the same way; the room closed, the
 * app closes the guest socket.
 */
const repoRoot = path.resolve(__dirname, '..');
const platforms: Platform[] = ['weapp', 'alipay', 'tt'];
/** The demo shop's owner (server/seed/staff.ts DEMO_OWNER_PHONE): owns every demo merchant. */
const OWNER_PHONE = '13500000000';
const ROOM = 'pages/live/room';
/** Well within the room's 10-second fallback poll (src/services/live/getLiveSession.ts). */
const PUSH_WITHIN_MS = 3_000;

let api: SmokeApi | null = null;
let startError: Error | null = null;
let owner: { token: string; merchantId: string; products: ProductDetail[] } | null = null;

beforeAll(async () => {
  try {
    api = await startApi();
    const token = (await loginShopper(api.baseUrl, OWNER_PHONE)).token;
    const [workplace] = (await callApi(api.baseUrl, 'listWorkplaces', {}, token)).items;
    if (!workplace) throw new Error(`the demo owner ${OWNER_PHONE} has no workplace`);
    const products: ProductDetail[] = [];
    for (const item of (await callApi(api.baseUrl, 'listMerchantProducts', { params: { merchantId: workplace.merchantId }, query: { limit: 30 } }, token)).items) {
      const detail = await callApi(api.baseUrl, 'getProduct', { params: { id: item.id } });
      if (detail.onShelf !== false && detail.skus.some((s) => s.stock >= 10)) products.push(detail);
      if (products.length === 2) break;
    }
    if (products.length < 2) throw new Error('the demo merchant has fewer than two products with stock');
    owner = { token, merchantId: workplace.merchantId, products };
  } catch (err) {
    startError = err instanceof Error ? err : new Error(String(err));
  }
}, 120_000);

afterAll(async () => {
  await api?.stop();
});

/** A session of the owner's two products on air, nothing pinned. */
async function sessionOnAir(baseUrl: string, o: NonNullable<typeof owner>, title: string): Promise<HostLiveSession> {
  const created = await callApi(baseUrl, 'createLiveSession', {
    params: { merchantId: o.merchantId },
    body: {
      title,
      startsAt: Date.now(),
      playbackUrl: '/media/demo-live/index.m3u8',
      perShopperLimit: 2,
      lines: o.products.map((p) => {
        const sku = p.skus.find((s) => s.stock >= 10)!;
        return { skuId: sku.id, price: Math.max(1, Math.floor((sku.price * 0.7) / 10) * 10), quota: 5 };
      }),
    },
  }, o.token);
  return callApi(baseUrl, 'actLiveSession', { params: { merchantId: o.merchantId, sessionId: created.id }, body: { action: 'start' } }, o.token);
}

/** The requests the page made after the first `from`, for the session's GET. */
const sessionGets = (s: DrivenState, from: number, sessionId: string) =>
  (s.page?.requests ?? []).slice(from).filter((r) => r.startsWith(`GET /api/live/sessions/${sessionId} `));

const explain = (w: DrivenWait) =>
  JSON.stringify({ met: w.met, elapsedMs: w.elapsedMs, nodes: w.nodes, text: w.page?.text.slice(0, 300), requests: w.page?.requests, errors: w.page?.errors }).slice(0, 1500);

for (const platform of platforms) {
  const buildDir = buildDirFor(platform);
  const shown = path.relative(repoRoot, buildDir) || buildDir;

  describe(`${platform} build: the live room against the real server`, () => {
    test('a guest sees no card; the host pins a product and the card arrives by the socket; unpinned, it goes', async () => {
      if (!fs.existsSync(path.join(buildDir, 'app.json'))) {
        throw new Error(`${shown}/app.json is missing: run \`npm run build:${platform}\` or \`node scripts/smoke.mjs --build\` first`);
      }
      if (startError || !api || !owner) throw startError ?? new Error('the API did not start');
      const { baseUrl } = api;
      const o = owner;
      const session = await sessionOnAir(baseUrl, o, `冒烟直播 ${platform}`);
      const target = o.products[1];
      const topic = `live:${session.id}`;

      const host: DrivenHost = openDrivenHost(buildDir, platform, { http: { target: baseUrl }, realtime: { target: baseUrl } });
      try {
        expect((await host.launch()).launchErrors).toEqual([]);
        await host.mount(ROOM, { id: session.id });

        // The room loads the session from the server and follows its topic over a guest socket.
        const loaded = await host.waitForNode({ className: 'live-host__title', text: session.title, present: true, timeoutMs: 20_000 });
        if (!loaded.met) throw new Error(`the room did not show the session: ${explain(loaded)}\nserver log:\n${api.logTail()}`);
        const subscribed = await host.waitForFrame({ op: 'subscribed', topic }, 15_000);
        if (!subscribed.met) throw new Error(`the room's socket was not subscribed to ${topic}: ${JSON.stringify(subscribed.sockets).slice(0, 1500)}`);
        const socket = subscribed.sockets.find((s) => frames(s.received).some((f) => f.op === 'subscribed' && f.topic === topic))!;
        expect(frames(socket.sent)[0]).toEqual({ op: 'auth', guest: true });
        expect(frames(socket.received)[0]).toEqual({ op: 'ready', userId: null });
        expect(frames(socket.sent)).toContainEqual(expect.objectContaining({ op: 'sub', topic }));
        if (platform === 'alipay') expect(socket.options.multiple).toBe(true);

        // Nothing pinned: no card, after the refetch that follows `subscribed` has settled.
        const quiet = await host.waitForNode({ className: 'live-pin', present: true, timeoutMs: 1_000 });
        expect(quiet.met).toBe(false);
        expect(quiet.page?.errors).toEqual([]);

        // The host pins the second product: the card shows its title, pushed.
        // (The app keeps running meanwhile: the card may be there before the pin's answer is.)
        const before = (await host.state()).page?.requests.length ?? 0;
        const pinAt = Date.now();
        await callApi(baseUrl, 'pinLiveProduct', { params: { merchantId: o.merchantId, sessionId: session.id }, body: { productId: target.id } }, o.token);
        const pinned = await host.waitForNode({ className: 'live-pin', text: target.title, present: true, timeoutMs: 8_000 });
        if (!pinned.met) throw new Error(`no pinned card for ${target.title}: ${explain(pinned)}`);
        expect(Date.now() - pinAt).toBeLessThan(PUSH_WITHIN_MS);
        expect(sessionGets(pinned, before, session.id)).toEqual([]);
        expect(pinned.sockets.flatMap((s) => frames(s.received))).toContainEqual(
          expect.objectContaining({ op: 'event', topic, type: 'live.pinned', data: expect.objectContaining({ productId: target.id }) }),
        );
        expect(pinned.nodes).toHaveLength(1);

        // Unpinned: the card goes, pushed too.
        const beforeUnpin = pinned.page?.requests.length ?? 0;
        const unpinAt = Date.now();
        await callApi(baseUrl, 'pinLiveProduct', { params: { merchantId: o.merchantId, sessionId: session.id }, body: { productId: null } }, o.token);
        const unpinned = await host.waitForNode({ className: 'live-pin', present: false, timeoutMs: 8_000 });
        if (!unpinned.met) throw new Error(`the pinned card stayed after the unpin: ${explain(unpinned)}`);
        expect(Date.now() - unpinAt).toBeLessThan(PUSH_WITHIN_MS);
        expect(sessionGets(unpinned, beforeUnpin, session.id)).toEqual([]);
        expect(unpinned.sockets.flatMap((s) => frames(s.received))).toContainEqual(
          expect.objectContaining({ op: 'event', topic, type: 'live.pinned', data: expect.objectContaining({ productId: null }) }),
        );

        // The room goes: no error on the way, and the guest socket (for the rooms only) is closed by the app.
        const last = await host.close();
        expect(last.launchErrors).toEqual([]);
        expect(last.page?.errors).toEqual([]);
        expect(last.sockets.find((s) => s.url === socket.url && s.opened)?.closed).toMatchObject({ by: 'app' });
      } finally {
        host.kill();
      }
    });
  });
}
