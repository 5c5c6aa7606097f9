import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { PREFIX } from '../gateway';
import { parseBody } from '../signing';
import { createTrade, prepayBase } from './create-trade';
import type { V3Operation } from './types';

/** POST /v3/pay/transactions/h5: an H5 order -> { h5_url } (the hosted cashier page, cashier.ts). */
const h5Schema = prepayBase.extend({
  scene_info: z.object({
    payer_client_ip: z.string().min(1).max(45),
    h5_info: z.object({ type: z.string().min(1).max(32) }),
  }),
});

export const prepayH5: V3Operation = (gw, req, merchant) => {
  const body = parseBody(req, h5Schema);
  const t = createTrade(gw, merchant, 'MWEB', body, { openid: null, clientIp: body.scene_info.payer_client_ip, sceneType: body.scene_info.h5_info.type });
  const h5Url = `${gw.ctx.baseUrl()}${PREFIX}/checkmweb?prepay_id=${encodeURIComponent(t.prepayId)}&package=${randomBytes(5).readUInt32BE(0)}`;
  return { status: 200, body: { h5_url: h5Url } };
};
