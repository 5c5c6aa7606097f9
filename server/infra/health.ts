import { sql } from 'kysely';
import { dialectOfDb } from '../db';
import { AppError } from './errors';
import { defineHandlers } from './http';

const startedAt = Date.now();

/** GET /healthz: the process is up and the database answers. */
export const handlers = defineHandlers({
  health: async ({ db, log }) => {
    try {
      await sql`select 1`.execute(db);
    } catch (err) {
      log.error({ err }, 'health check: database unreachable');
      throw new AppError('SERVICE_UNAVAILABLE', 'database unreachable');
    }
    return { status: 'ok', db: dialectOfDb(db), uptimeSeconds: Math.round((Date.now() - startedAt) / 1000) };
  },
});
