import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { AppError, PROBLEM_CONTENT_TYPE, problemBody } from '../infra/errors';

/**
 * The demo shop's live stream: six seconds of HLS made by scripts/demo-stream.sh and committed
 * under server/seed/stream/, served like the demo images so the live room plays offline. A demo
 * session's playback URL is DEMO_STREAM_PATH (a path the API serves: contract/live.ts
 * `playbackUrl` accepts it; the client resolves it against the API base like an image). The
 * same seconds as HTTP-FLV (DEMO_FLV_PATH), the other format live CDNs serve, for a room that
 * plays FLV (H5 through mpegts.js).
 */
export const DEMO_STREAM_PREFIX = '/media/demo-live';
export const DEMO_STREAM_PATH = `${DEMO_STREAM_PREFIX}/index.m3u8`;
export const DEMO_FLV_PATH = `${DEMO_STREAM_PREFIX}/live.flv`;

const DIR = path.join(__dirname, 'stream');
/** The playlist, its segments and the FLV copy: nothing else is read from the folder. */
const FILE = /^(index\.m3u8|seg-\d{1,3}\.ts|live\.flv)$/;
const TYPES: Record<string, string> = { '.m3u8': 'application/vnd.apple.mpegurl', '.ts': 'video/mp2t', '.flv': 'video/x-flv' };
/** A segment `seg-N.ts` is stored as `seg-N.mpegts` (a .ts file in the repository would be TypeScript to tsc and eslint). */
const diskName = (file: string) => file.replace(/\.ts$/, '.mpegts');

interface Loaded {
  body: Buffer;
  etag: string;
  type: string;
}

const cache = new Map<string, Loaded | null>();

function load(file: string): Loaded | null {
  if (!FILE.test(file)) return null;
  if (!cache.has(file)) {
    let found: Loaded | null = null;
    try {
      const body = readFileSync(path.join(DIR, diskName(file)));
      found = { body, etag: `"${createHash('sha1').update(body).digest('base64url').slice(0, 16)}"`, type: TYPES[path.extname(file)] };
    } catch {
      found = null;
    }
    cache.set(file, found);
  }
  return cache.get(file) ?? null;
}

/** GET /media/demo-live/<file>: the playlist, its segments and the FLV copy (a day's cache, ETag). */
export function registerDemoStream(app: FastifyInstance): void {
  app.get<{ Params: { file: string } }>(`${DEMO_STREAM_PREFIX}/:file`, async (req, reply) => {
    const found = load(req.params.file);
    if (!found) {
      const err = new AppError('NOT_FOUND', `no stream file ${req.params.file}`);
      return reply.code(404).header('content-type', PROBLEM_CONTENT_TYPE).send(problemBody(err, req.id));
    }
    reply.header('cache-control', 'public, max-age=86400').header('etag', found.etag);
    if (req.headers['if-none-match'] === found.etag) return reply.code(304).send();
    return reply.type(found.type).send(found.body);
  });
}
