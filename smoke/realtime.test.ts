import fs from 'node:fs';
import path from 'node:path';
import type { Session } from '../contract/identity';
import { loginShopper, startApi, type SmokeApi } from './api-server';
import type { Platform } from './platform-api';
import { buildDirFor, runHostProcess } from './run-host';
import { frames } from './sockets';

/**
 * The realtime socket on every mini-program host: the compiled build runs in the simulated host
 * with a real API behind its socket (the host's connectSocket is a real WebSocket client; HTTP
 * stays canned). WeChat and Douyin open it through Taro.connectSocket's SocketTask, Alipay
 * through my.connectSocket({ multiple: true }). The socket must connect to /api/realtime,
 * authenticate with the session's token, be told `ready` for that user, subscribe to the user's
 * topic and be told `subscribed`; and every page still mounts.
 */
const repoRoot = path.resolve(__dirname, '..');
const platforms: Platform[] = ['weapp', 'alipay', 'tt'];

let api: SmokeApi | null = null;
let session: Session | null = null;
let startError: Error | null = null;

beforeAll(async () => {
  try {
    api = await startApi();
    session = await loginShopper(api.baseUrl, '13700137001');
  } catch (err) {
    startError = err instanceof Error ? err : new Error(String(err));
  }
}, 120_000);

afterAll(async () => {
  await api?.stop();
});

for (const platform of platforms) {
  const buildDir = buildDirFor(platform);
  const shown = path.relative(repoRoot, buildDir) || buildDir;

  describe(`${platform} build: the realtime socket against the real server`, () => {
    test('connects, authenticates, is ready and subscribed to the user topic; every page mounts', () => {
      if (!fs.existsSync(path.join(buildDir, 'app.json'))) {
        throw new Error(`${shown}/app.json is missing: run \`npm run build:${platform}\` or \`node scripts/smoke.mjs --build\` first`);
      }
      if (startError || !api || !session) throw startError ?? new Error('the API did not start');
      const report = runHostProcess(buildDir, platform, { realtime: { target: api.baseUrl, session } });
      expect(report.launch.errors).toEqual([]);

      // The first connection. (The canned GET /api/me then answers another user, u_smoke, so the
      // client replaces that connection with a new one, as for an account switch.)
      const socket = report.sockets.find((s) => s.opened);
      if (!socket) throw new Error(`no socket opened: ${JSON.stringify(report.sockets).slice(0, 800)}\nserver log:\n${api.logTail()}`);
      // The build's API base (http://127.0.0.1:3000 unless TARO_APP_API_BASE says otherwise) as ws://.
      expect(socket.url).toMatch(/^ws:\/\/[^/]+\/api\/realtime$/);
      if (platform === 'alipay') expect(socket.options.multiple).toBe(true);

      const topic = `user:${session.user.id}`;
      const sent = frames(socket.sent);
      const received = frames(socket.received);
      expect(sent[0]).toEqual({ op: 'auth', token: session.token });
      expect(received[0]).toEqual({ op: 'ready', userId: session.user.id });
      expect(sent[1]).toEqual({ op: 'sub', topic });
      expect(received).toContainEqual({ op: 'subscribed', topic, version: expect.any(Number) });

      for (const page of report.pages) expect({ route: page.route, errors: page.errors }).toEqual({ route: page.route, errors: [] });
    });
  });
}
