import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { id as idSchema } from '@contract/common';
import type { Database } from '../db/types';
import { shipOrder } from '../modules/order';
import { AppError } from '../platform/errors';

/**
 * The merchant console's stand-in (SANDBOX=on only): the shop has no merchant console yet, so
 * development builds and tests ship a paid order here, as a merchant would there.
 *
 * POST /sandbox/orders/:id/ship           ship a paid order -> { id, status }
 */
export function registerMerchantConsoleStandIn(app: FastifyInstance, db: Kysely<Database>): void {
  app.post<{ Params: { id: string } }>('/sandbox/orders/:id/ship', async (req) => {
    const parsed = idSchema.safeParse(req.params.id);
    if (!parsed.success) throw new AppError('NOT_FOUND', 'no such order');
    const status = await shipOrder(db, parsed.data);
    return { id: parsed.data, status };
  });
}
