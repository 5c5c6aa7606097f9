import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { UploadedImage } from '@contract/aftersale';
import { AppError } from '../../infra/errors';
import { authenticate, sendProblem, type AppDeps } from '../../infra/http';
import { newId } from '../../infra/ids';
import type { Database } from '../../db/types';

/**
 * Shoppers' images (after-sale photos): `POST /api/uploads` takes one JPEG, PNG or WebP image,
 * either as the raw body (`Content-Type: image/...`) or as the one file of a
 * `multipart/form-data` body (what the mini-programs' uploadFile sends). The type is decided by
 * the file's first bytes, never by what the client declares; the size is capped
 * (UPLOAD_MAX_BYTES); the file is stored under DATA_DIR/uploads with a random name we choose
 * and served back at `GET /uploads/<file>` with its type, `nosniff` and a sandboxing CSP. The
 * route is outside the JSON route table (its body is an image); its answer is the contract's
 * `uploadedImage`. An upload no after-sale request takes within UPLOAD_GRACE_HOURS is deleted
 * with its file by the `prune-loose-uploads` job (pruneLooseUploads).
 */

export const UPLOAD_PATH = '/api/uploads';
/** At most this many uploads per shopper per hour. */
export const UPLOADS_PER_HOUR = 60;

const TYPES = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
} as const;
type ImageType = keyof typeof TYPES;
const FILE = /^img_[A-Za-z0-9_-]{1,60}\.(jpg|png|webp)$/;
const BY_EXT: Record<string, ImageType> = { jpg: 'image/jpeg', png: 'image/png', webp: 'image/webp' };

/** Where the files are: DATA_DIR/uploads. */
export function uploadsDir(dataDir: string): string {
  return path.join(dataDir, 'uploads');
}

/** The image type of `bytes` by its signature, or null. */
export function sniffImage(bytes: Buffer): ImageType | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  return null;
}

/**
 * The first file part of a multipart/form-data body (RFC 7578), or null. Only what an upload
 * needs: the boundary from the header, parts split on it, the part with a filename.
 */
export function firstFilePart(body: Buffer, contentType: string): Buffer | null {
  const m = /boundary=(?:"([^"]{1,70})"|([^;\s]{1,70}))/i.exec(contentType);
  const boundary = m ? (m[1] ?? m[2]) : null;
  if (!boundary) return null;
  const delimiter = Buffer.from(`--${boundary}`);
  let at = body.indexOf(delimiter);
  while (at !== -1) {
    const headerStart = at + delimiter.length + 2; // past CRLF
    if (body.subarray(at + delimiter.length, at + delimiter.length + 2).toString('latin1') === '--') return null;
    const headerEnd = body.indexOf('\r\n\r\n', headerStart);
    if (headerEnd === -1) return null;
    const headers = body.toString('utf8', headerStart, headerEnd);
    const next = body.indexOf(Buffer.from(`\r\n--${boundary}`), headerEnd + 4);
    if (next === -1) return null;
    if (/content-disposition:[^\r\n]*filename=/i.test(headers)) return body.subarray(headerEnd + 4, next);
    at = next + 2;
  }
  return null;
}

async function upload(req: FastifyRequest, deps: AppDeps): Promise<UploadedImage> {
  const user = await authenticate(req, deps, 'user');
  if (!user) throw new AppError('UNAUTHORIZED');
  // The boundary is case-sensitive: only the media type is compared without case.
  const contentType = req.headers['content-type'] ?? '';
  const raw = Buffer.isBuffer(req.body) ? req.body : null;
  const bytes = raw && contentType.toLowerCase().startsWith('multipart/form-data') ? firstFilePart(raw, contentType) : raw;
  if (!bytes || bytes.length === 0) throw new AppError('IMAGE_INVALID', 'Send one image: the body itself, or one file in a multipart/form-data body');
  if (bytes.length > deps.config.uploadMaxBytes) throw new AppError('PAYLOAD_TOO_LARGE', `Images may be at most ${deps.config.uploadMaxBytes} bytes`);
  const type = sniffImage(bytes);
  if (!type) throw new AppError('IMAGE_INVALID', 'Only JPEG, PNG and WebP images are accepted');
  const now = Date.now();
  const recent = await deps.db
    .selectFrom('uploads')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', user.id)
    .where('created_at', '>', now - 3_600_000)
    .executeTakeFirst();
  if (Number(recent?.n ?? 0) >= UPLOADS_PER_HOUR) throw new AppError('RATE_LIMITED', `At most ${UPLOADS_PER_HOUR} images an hour`);
  const id = newId('img', now);
  const file = `${id}.${TYPES[type]}`;
  const dir = uploadsDir(deps.config.dataDir);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, file), bytes, { flag: 'wx' });
  await deps.db.insertInto('uploads').values({ id, user_id: user.id, file, content_type: type, size: bytes.length, created_at: now, attached_at: null, pruning_at: null }).execute();
  return { id, url: `/uploads/${file}`, contentType: type, size: bytes.length };
}

async function serve(req: FastifyRequest<{ Params: { file: string } }>, reply: FastifyReply, deps: AppDeps): Promise<FastifyReply> {
  const { file } = req.params;
  const m = FILE.exec(file);
  if (!m) return sendProblem(reply, new AppError('NOT_FOUND', 'no such image'), req.id);
  let bytes: Buffer;
  try {
    bytes = await readFile(path.join(uploadsDir(deps.config.dataDir), file));
  } catch {
    return sendProblem(reply, new AppError('NOT_FOUND', 'no such image'), req.id);
  }
  return reply
    .header('content-type', BY_EXT[m[1]])
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'; sandbox")
    .header('cache-control', 'public, max-age=31536000, immutable')
    .send(bytes);
}

/** Where the uploads live and how long one nobody attached is kept (the after-sale module's deps). */
export interface UploadStore {
  dir: string;
  graceHours: number;
}

/**
 * Deletes the uploads no after-sale request took within the grace period, their files first,
 * then their rows: the `prune-loose-uploads` job. Each upload is first claimed with a guarded
 * update (`pruning_at`, only while it is still unattached and unclaimed); a request attaches
 * photos with a guarded update too (only while unclaimed), in its own transaction, so of a
 * request and the job reaching one upload at the same moment exactly one wins: the request
 * keeps the photo, or it is refused (AFTER_SALE_PHOTO_INVALID) and the upload goes. Uploads
 * claimed by a run that stopped before deleting them (a crash) are finished first. Every
 * statement touches one row, so the job holds one row lock at a time and can wait in no cycle.
 * Idempotent, safe on several nodes (a file already gone is fine). Works in batches of
 * `batchSize`, at most `maxBatches` per run; answers how many uploads it deleted.
 */
export async function pruneLooseUploads(
  db: Kysely<Database>,
  store: UploadStore,
  now = Date.now(),
  options: { batchSize?: number; maxBatches?: number } = {},
): Promise<number> {
  const batchSize = options.batchSize ?? 100;
  const maxBatches = options.maxBatches ?? 10;
  const cutoff = now - store.graceHours * 3_600_000;
  let pruned = 0;
  for (let b = 0; b < maxBatches; b++) {
    const batch = await db.selectFrom('uploads').select(['id', 'file']).where('pruning_at', 'is not', null).orderBy('pruning_at').orderBy('id').limit(batchSize).execute();
    if (batch.length < batchSize) {
      const loose = await db
        .selectFrom('uploads')
        .select(['id', 'file'])
        .where('attached_at', 'is', null)
        .where('pruning_at', 'is', null)
        .where('created_at', '<', cutoff)
        .orderBy('created_at')
        .orderBy('id')
        .limit(batchSize - batch.length)
        .execute();
      for (const row of loose) {
        const claimed = await db.updateTable('uploads').set({ pruning_at: now }).where('id', '=', row.id).where('attached_at', 'is', null).where('pruning_at', 'is', null).executeTakeFirst();
        if (Number(claimed.numUpdatedRows) === 1) batch.push(row);
      }
    }
    if (batch.length === 0) break;
    for (const row of batch) {
      // Only a name we gave (img_....ext): never a path outside the folder.
      if (FILE.test(row.file)) await rm(path.join(store.dir, row.file), { force: true });
      const deleted = await db.deleteFrom('uploads').where('id', '=', row.id).where('pruning_at', 'is not', null).executeTakeFirst();
      pruned += Number(deleted.numDeletedRows);
    }
    if (batch.length < batchSize) break;
  }
  return pruned;
}

/** Registers the upload route (its own body parsers, in a scope of its own) and the route that serves the files. */
export async function registerUploads(app: FastifyInstance, deps: AppDeps): Promise<void> {
  // The multipart envelope adds headers and boundaries around the file.
  const bodyLimit = deps.config.uploadMaxBytes + 16 * 1024;
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(/^(image\/|multipart\/form-data)/, { parseAs: 'buffer', bodyLimit }, (_req, body, done) => done(null, body));
    scope.post(UPLOAD_PATH, { bodyLimit }, async (req, reply) => {
      try {
        const answer = await upload(req, deps);
        return reply.code(201).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(answer));
      } catch (err) {
        if (err instanceof AppError) return sendProblem(reply, err, req.id);
        throw err;
      }
    });
  });
  app.get<{ Params: { file: string } }>('/uploads/:file', (req, reply) => serve(req, reply, deps));
}
