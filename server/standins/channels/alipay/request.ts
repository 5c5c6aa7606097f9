import type { FastifyRequest } from 'fastify';
import { parseCstTime } from '../../../channels/alipay/wire';
import { verifyParams, type AlipayParams } from '../../../infra/alipay';
import { invalid, missing, type AlipayGateway } from './gateway';

/** What every gateway call shares: its parameters, and the checks Alipay makes before any method runs. */

/** Every parameter of a gateway request: the query's and the form body's (body wins). */
export function requestParams(req: FastifyRequest): AlipayParams {
  const params: AlipayParams = {};
  const q = req.url.indexOf('?');
  if (q >= 0) for (const [k, v] of new URLSearchParams(req.url.slice(q + 1))) params[k] = v;
  if (req.body && typeof req.body === 'object') {
    for (const [k, v] of Object.entries(req.body as Record<string, unknown>)) if (typeof v === 'string') params[k] = v;
  }
  return params;
}

/** Checks common to every method; returns the parsed biz_content. */
export function checkRequest(gw: AlipayGateway, params: AlipayParams): Record<string, unknown> {
  if (!params.app_id) throw missing('isv.missing-app-id', '缺少AppID参数');
  if (params.app_id !== gw.appId) throw invalid('isv.invalid-app-id', '无效的AppID参数');
  if (params.charset && params.charset.toLowerCase() !== 'utf-8') throw invalid('isv.invalid-charset', '字符集错误');
  if (!params.sign_type) throw missing('isv.missing-signature-type', '缺少签名类型');
  if (params.sign_type !== 'RSA2') throw invalid('isv.invalid-signature-type', '无效的签名类型');
  if (!params.sign) throw missing('isv.missing-signature', '缺少签名参数');
  if (!params.timestamp) throw missing('isv.missing-timestamp', '缺少时间戳参数');
  if (parseCstTime(params.timestamp) === null) throw invalid('isv.invalid-timestamp', '非法的时间戳参数');
  if (params.version && params.version !== '1.0') throw invalid('isv.invalid-version', '版本号错误');
  if (!verifyParams(params, gw.appPublicKey)) throw invalid('isv.invalid-signature', '验签出错');
  if (!params.biz_content) throw missing('isv.missing-biz-content', '缺少业务参数');
  let biz: unknown;
  try {
    biz = JSON.parse(params.biz_content);
  } catch {
    throw invalid('isv.invalid-biz-content', '业务参数格式错误');
  }
  if (!biz || typeof biz !== 'object' || Array.isArray(biz)) throw invalid('isv.invalid-biz-content', '业务参数格式错误');
  return biz as Record<string, unknown>;
}
