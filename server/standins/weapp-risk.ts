import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Config } from '../infra/config';
import type { TokenBook } from './appcodes';

/**
 * WeChat's user risk rank (getUserRiskRank) stand-in (sandbox mode only), in its real request
 * and answer shapes, on the access tokens the cgi-bin/token stand-in issued (appcodes.ts):
 *
 *   POST /sandbox/weapp/wxa/getuserriskrank?access_token  { appid, openid, scene, client_ip, mobile_no?, ... }
 *        -> { errcode: 0, errmsg: "getuserriskrank succ", risk_rank: 0..4, unoin_id } | { errcode, errmsg } (HTTP 200)
 *
 * Every openid ranks 0 until told otherwise. The stand-in's own control (not WeChat's API), for
 * tests and for trying the workbench's queue by hand:
 *
 *   PUT  /sandbox/weapp/risk/:openid  { rank?: 0..4, fault?: "errcode" | "http500" | null }
 *        rank: what the openid ranks from now on; fault: every check of it fails (errcode -1
 *        "system error", or HTTP 500) until the fault is set to null.
 *   GET  /sandbox/weapp/risk/:openid  -> { rank, fault, checks }: what it answers and how often it was asked
 */
type Fault = 'errcode' | 'http500';
interface Entry {
  rank: number;
  fault: Fault | null;
  checks: number;
}

function json(reply: FastifyReply, body: unknown, status = 200): FastifyReply {
  return reply.code(status).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(body));
}

export function registerWeappRiskStandIn(app: FastifyInstance, config: Config, tokens: TokenBook): void {
  const entries = new Map<string, Entry>();
  const entryOf = (openid: string): Entry => entries.get(openid) ?? entries.set(openid, { rank: 0, fault: null, checks: 0 }).get(openid)!;
  let unionId = 1_000_000;

  app.post<{ Querystring: Record<string, string | undefined>; Body: unknown }>('/sandbox/weapp/wxa/getuserriskrank', async (req, reply) => {
    const rid = `rid: ${req.id}`;
    if (!tokens.valid(req.query.access_token)) return json(reply, { errcode: 40001, errmsg: `invalid credential, access_token is invalid or not latest, ${rid}` });
    const b = (req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? req.body : null) as Record<string, unknown> | null;
    if (!b) return json(reply, { errcode: 47001, errmsg: `data format error, ${rid}` });
    if (b.appid !== config.weapp.appId) return json(reply, { errcode: 40013, errmsg: `invalid appid, ${rid}` });
    if (typeof b.openid !== 'string' || b.openid === '') return json(reply, { errcode: 40003, errmsg: `invalid openid, ${rid}` });
    if (![0, 1, 2].includes(b.scene as number)) return json(reply, { errcode: 47001, errmsg: `data format error: scene, ${rid}` });
    if (typeof b.client_ip !== 'string' || b.client_ip === '') return json(reply, { errcode: 47001, errmsg: `data format error: client_ip, ${rid}` });
    const entry = entryOf(b.openid);
    entry.checks += 1;
    if (entry.fault === 'http500') return reply.code(500).header('content-type', 'text/plain; charset=utf-8').send('Internal Server Error');
    if (entry.fault === 'errcode') return json(reply, { errcode: -1, errmsg: `system error, ${rid}` });
    return json(reply, { errcode: 0, errmsg: 'getuserriskrank succ', risk_rank: entry.rank, unoin_id: ++unionId });
  });

  app.put<{ Params: { openid: string }; Body: unknown }>('/sandbox/weapp/risk/:openid', async (req, reply) => {
    const b = (req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? req.body : {}) as Record<string, unknown>;
    const entry = entryOf(req.params.openid);
    if (b.rank !== undefined) {
      if (typeof b.rank !== 'number' || !Number.isInteger(b.rank) || b.rank < 0 || b.rank > 4) return json(reply, { error: 'rank is 0 to 4' }, 400);
      entry.rank = b.rank;
    }
    if (b.fault !== undefined) {
      if (b.fault !== null && b.fault !== 'errcode' && b.fault !== 'http500') return json(reply, { error: 'fault is "errcode", "http500" or null' }, 400);
      entry.fault = b.fault;
    }
    return json(reply, entry);
  });

  app.get<{ Params: { openid: string } }>('/sandbox/weapp/risk/:openid', async (req, reply) => json(reply, entryOf(req.params.openid)));
}
