import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * The small router the channel gateways share: a channel's API as a table of operations at
 * their wire addresses, mounted with the channel's own wrapper (how it authenticates a call and
 * signs its answer), so that an operation is only what the channel does with the call.
 */
export interface Route<Operation> {
  method: 'GET' | 'POST';
  /** Under the gateway's prefix, in Fastify's syntax (`/v3/pay/transactions/id/:id`). */
  path: string;
  operation: Operation;
}

export type RouteHandler = (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

export function mountRoutes<Operation>(scope: FastifyInstance, prefix: string, routes: readonly Route<Operation>[], wrap: (operation: Operation, route: Route<Operation>) => RouteHandler): void {
  for (const route of routes) scope.route({ method: route.method, url: `${prefix}${route.path}`, handler: wrap(route.operation, route) });
}
