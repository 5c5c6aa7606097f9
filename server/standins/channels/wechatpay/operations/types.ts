import type { FastifyRequest } from 'fastify';
import type { Merchant, WechatpayGateway } from '../gateway';

/** One /v3 operation: the merchant's request (already authenticated) to the answer WeChat Pay gives. */
export type V3Operation = (gw: WechatpayGateway, req: FastifyRequest, merchant: Merchant) => { status: number; body: unknown };
