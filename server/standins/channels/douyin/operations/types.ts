import type { FastifyReply } from 'fastify';
import type { DouyinGateway } from '../gateway';
import type { Authed } from '../signing';

/** One call of the trade system's server API, already authenticated: answers with apiAnswer. */
export type ApiOperation = (gw: DouyinGateway, call: Authed, reply: FastifyReply) => FastifyReply;
