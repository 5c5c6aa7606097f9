import { statSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { playbackUrl } from '../../contract/live';
import Fastify, { type FastifyInstance } from 'fastify';
import { DEMO_FLV_PATH, DEMO_STREAM_PATH, registerDemoStream } from './stream';

// The route alone on a bare Fastify (catalog's registerExtra mounts it in the app), on real HTTP.
let app: FastifyInstance;
const t = { baseUrl: '' };
beforeAll(async () => {
  app = Fastify();
  registerDemoStream(app);
  t.baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app.close();
});

describe('the demo live stream', () => {
  it('is small and committed: a playlist and its segments under 300 KB', () => {
    const dir = path.join(__dirname, 'stream');
    const files = readdirSync(dir);
    expect(files).toContain('index.m3u8');
    expect(files.filter((f) => f.endsWith('.mpegts')).length).toBeGreaterThan(0);
    // No .ts file: tsc and eslint would read it as TypeScript.
    expect(files.filter((f) => f.endsWith('.ts'))).toEqual([]);
    expect(files.reduce((n, f) => n + statSync(path.join(dir, f)).size, 0)).toBeLessThan(300 * 1024);
  });

  it('is served at a stable path the contract accepts as a playback URL, playlist and every segment', async () => {
    expect(playbackUrl.parse(DEMO_STREAM_PATH)).toBe(DEMO_STREAM_PATH);
    const res = await fetch(`${t.baseUrl}${DEMO_STREAM_PATH}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/vnd\.apple\.mpegurl/);
    expect(res.headers.get('cache-control')).toMatch(/max-age=\d+/);
    const playlist = await res.text();
    expect(playlist.startsWith('#EXTM3U')).toBe(true);
    const segments = playlist.split('\n').filter((l) => l.endsWith('.ts'));
    expect(segments.length).toBeGreaterThan(0);
    for (const seg of segments) {
      const s = await fetch(new URL(seg, `${t.baseUrl}${DEMO_STREAM_PATH}`));
      expect(s.status).toBe(200);
      expect(s.headers.get('content-type')).toBe('video/mp2t');
      const bytes = new Uint8Array(await s.arrayBuffer());
      // MPEG-TS packets start with the sync byte.
      expect(bytes[0]).toBe(0x47);
    }
    const etag = res.headers.get('etag') ?? '';
    expect((await fetch(`${t.baseUrl}${DEMO_STREAM_PATH}`, { headers: { 'if-none-match': etag } })).status).toBe(304);
  });

  it('serves the same seconds as HTTP-FLV: an FLV file with video and audio, at a path the contract accepts', async () => {
    expect(playbackUrl.parse(DEMO_FLV_PATH)).toBe(DEMO_FLV_PATH);
    const res = await fetch(`${t.baseUrl}${DEMO_FLV_PATH}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('video/x-flv');
    const bytes = new Uint8Array(await res.arrayBuffer());
    // "FLV", version 1, flags 0x05 (audio and video).
    expect([...bytes.slice(0, 5)]).toEqual([0x46, 0x4c, 0x56, 0x01, 0x05]);
    expect(bytes.length).toBeGreaterThan(10_000);
  });

  it('serves nothing else from its folder', async () => {
    for (const bad of ['/media/demo-live/nope.ts', '/media/demo-live/..%2Fstream.ts', '/media/demo-live/index.m3u8.bak', '/media/demo-live/live.flv.bak', '/media/demo-live/%2E%2E%2Fimages.ts']) {
      const res = await fetch(`${t.baseUrl}${bad}`);
      expect(res.status).toBe(404);
    }
  });
});
