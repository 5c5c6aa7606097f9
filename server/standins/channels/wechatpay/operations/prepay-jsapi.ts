import { z } from 'zod';
import { parseBody } from '../signing';
import { createTrade, prepayBase } from './create-trade';
import type { V3Operation } from './types';

/** POST /v3/pay/transactions/jsapi: a JSAPI (mini-program) order -> { prepay_id }. */
const jsapiSchema = prepayBase.extend({ payer: z.object({ openid: z.string().min(1).max(128) }) });

export const prepayJsapi: V3Operation = (gw, req, merchant) => {
  const body = parseBody(req, jsapiSchema);
  const t = createTrade(gw, merchant, 'JSAPI', body, { openid: body.payer.openid, clientIp: null, sceneType: null });
  return { status: 200, body: { prepay_id: t.prepayId } };
};
