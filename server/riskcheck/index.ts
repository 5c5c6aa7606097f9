import { type AppCodeFetch, type WeappAccessTokens, WEAPP_TOKEN_INVALID } from '../appcodes';

/**
 * WeChat's user risk rank (getUserRiskRank, 获取用户安全等级), for the referral module's fraud
 * controls (docs/referral.md, "Fraud controls"):
 *
 *   POST <apiBase>/wxa/getuserriskrank?access_token=  { appid, openid, scene: 1, client_ip }
 *        -> { errcode: 0, errmsg, risk_rank: 0..4, unoin_id } | { errcode, errmsg }
 *
 * scene 1 is 营销作弊 (marketing fraud: 薅羊毛, fake accounts); client_ip, required, is the
 * address the shopper paid from. The access token is the mini-program's, shared with the share
 * codes (appcodes' weappAccessTokens): an answer saying it is no longer valid drops it and the
 * call is made once more. Any other failure (no answer within the timeout, an HTTP error, an
 * errcode) throws RiskCheckError; the caller retries later and, in the end, holds the commission
 * for a person to decide (decision 0031).
 */
export const RISK_SCENE_MARKETING = 1;
export const RISK_CHECK_TIMEOUT_MS = 5000;

export class RiskCheckError extends Error {
  override name = 'RiskCheckError';
  constructor(
    message: string,
    readonly errcode?: number,
  ) {
    super(`getuserriskrank: ${message}`);
  }
}

export interface WeappRiskConfig {
  appId: string;
  /** https://api.weixin.qq.com, or its stand-in (read at each call: a test server's port is known only after listen). */
  apiBase: string;
}

export interface WeappRiskCheck {
  rank(input: { openid: string; clientIp: string }): Promise<number>;
}

export function createWeappRiskCheck(config: WeappRiskConfig, tokens: WeappAccessTokens, opts: { fetchImpl?: AppCodeFetch; timeoutMs?: number } = {}): WeappRiskCheck {
  const doFetch = opts.fetchImpl ?? fetch;
  const timeoutMs = opts.timeoutMs ?? RISK_CHECK_TIMEOUT_MS;

  async function once(token: string, openid: string, clientIp: string): Promise<{ errcode: number; errmsg: string; rank: number | null }> {
    let res: Response;
    let text: string;
    try {
      res = await doFetch(`${config.apiBase}/wxa/getuserriskrank?access_token=${encodeURIComponent(token)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ appid: config.appId, openid, scene: RISK_SCENE_MARKETING, client_ip: clientIp }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await res.text();
    } catch (err) {
      throw new RiskCheckError(`WeChat did not answer (${err instanceof Error ? err.message : String(err)})`);
    }
    if (!res.ok) throw new RiskCheckError(`WeChat answered HTTP ${res.status}`);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new RiskCheckError('WeChat answered something that is not JSON');
    }
    const b = body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
    const errcode = typeof b.errcode === 'number' ? b.errcode : 0;
    const rank = typeof b.risk_rank === 'number' && Number.isInteger(b.risk_rank) && b.risk_rank >= 0 && b.risk_rank <= 4 ? b.risk_rank : null;
    return { errcode, errmsg: String(b.errmsg ?? ''), rank };
  }

  return {
    async rank({ openid, clientIp }) {
      for (let attempt = 0; ; attempt++) {
        let token: string;
        try {
          token = await tokens.get();
        } catch (err) {
          throw new RiskCheckError(`no access token (${err instanceof Error ? err.message : String(err)})`);
        }
        const answer = await once(token, openid, clientIp);
        if (answer.errcode === 0 && answer.rank !== null) return answer.rank;
        if (WEAPP_TOKEN_INVALID.has(answer.errcode) && attempt === 0) {
          tokens.invalidate(token);
          continue;
        }
        if (answer.errcode === 0) throw new RiskCheckError('the answer has no risk_rank from 0 to 4');
        throw new RiskCheckError(`errcode ${answer.errcode} ${answer.errmsg}`.trim(), answer.errcode);
      }
    },
  };
}
