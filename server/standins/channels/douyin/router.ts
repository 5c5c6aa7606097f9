import type { FastifyInstance } from 'fastify';
import { PATHS } from '../../../channels/douyin/wire';
import { mountRoutes, type Route } from '../router';
import { PREFIX, type DouyinGateway } from './gateway';
import { clientToken } from './operations/client-token';
import { queryOrder } from './operations/query-order';
import { createRefund } from './operations/refund-create';
import { queryRefund } from './operations/refund-query';
import { requestOrder } from './operations/request-order';
import type { ApiOperation } from './operations/types';
import { confirm, showTrade } from './payer';
import { authenticate } from './signing';

/** The trade system's server API, operation by operation, under /sandbox/douyin. */
export const API_ROUTES: readonly Route<ApiOperation>[] = [
  { method: 'POST', path: PATHS.orderQuery, operation: queryOrder },
  { method: 'POST', path: PATHS.refundCreate, operation: createRefund },
  { method: 'POST', path: PATHS.refundQuery, operation: queryRefund },
];

export function registerRoutes(app: FastifyInstance, gw: DouyinGateway): void {
  app.register(async (scope) => {
    // Signatures cover the exact body text: keep JSON bodies as strings in this scope.
    scope.removeContentTypeParser(['application/json']);
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => done(null, body));

    scope.post(`${PREFIX}/oauth/client_token/`, async (req, reply) => clientToken(gw, req, reply));

    // Every server API call: access-token and Byte-Authorization checked (the path signed is the one without the prefix).
    mountRoutes(scope, PREFIX, API_ROUTES, (operation, route) => async (req, reply) => {
      const call = authenticate(gw, req, reply, route.path);
      if (!call) return reply;
      return operation(gw, call, reply);
    });

    // tt.requestOrder stand-in: the mini-program's development build posts what the server gave it.
    scope.post(`${PREFIX}/client/requestOrder`, async (req, reply) => requestOrder(gw, req, reply));
    scope.post(`${PREFIX}/confirm`, async (req, reply) => confirm(gw, req, reply));
    scope.get<{ Params: { paymentNo: string } }>(`${PREFIX}/trades/:paymentNo`, async (req, reply) => showTrade(gw, req, reply));
  });
}
