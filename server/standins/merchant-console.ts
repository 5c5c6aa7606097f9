import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { id as idSchema } from '@contract/common';
import type { Database } from '../db/types';
import { disableAccount } from '../modules/identity';
import { shipOrder } from '../modules/order';
import { AppError } from '../infra/errors';

/**
 * The merchant console's stand-in (SANDBOX=on only): development builds and tests ship a paid
 * order here without signing in as staff. It ships through the same service as the
 * workbench's route (one parcel, carrier `other`, a sandbox tracking number; audited with no
 * actor, as the system).
 *
 * POST /sandbox/orders/:id/ship           ship a paid order -> { id, status }
 *
 * And the platform's account console: disable an account through the same service an admin
 * side calls (its sessions end at once: the next request answers 401 ACCOUNT_DISABLED, its
 * realtime sockets are closed through the bus).
 *
 * POST /sandbox/accounts/:id/disable      -> { id, status: 'disabled' } (404: no such account)
 */
export function registerMerchantConsoleStandIn(app: FastifyInstance, db: Kysely<Database>): void {
  app.post<{ Params: { id: string } }>('/sandbox/orders/:id/ship', async (req) => {
    const parsed = idSchema.safeParse(req.params.id);
    if (!parsed.success) throw new AppError('NOT_FOUND', 'no such order');
    const order = await shipOrder(db, {
      orderId: parsed.data,
      merchantId: null,
      actorId: null,
      parcels: [{ carrier: 'other', trackingNo: `SANDBOX-${Date.now().toString(36).toUpperCase()}` }],
    });
    return { id: parsed.data, status: order.status };
  });
  app.post<{ Params: { id: string } }>('/sandbox/accounts/:id/disable', async (req) => {
    const parsed = idSchema.safeParse(req.params.id);
    if (!parsed.success) throw new AppError('NOT_FOUND', 'no such account');
    if (!(await disableAccount(db, parsed.data))) throw new AppError('NOT_FOUND', 'no such account');
    return { id: parsed.data, status: 'disabled' };
  });
}
