import { AlipayRequestError, AlipaySdk } from 'alipay-sdk';
import type { AlipayCodeConfig } from './config';
import { send, text, type AppCodeFetch } from './http';
import { AppCodeError, sniffImage, type AppCodeAdapter } from './types';

/**
 * Alipay mini-program QR codes: alipay.open.app.qrcode.create through alipay-sdk's exec (RSA2
 * signing, the answer's signature verified), then the image at the answer's qr_code_url:
 *
 *   biz_content { url_param: <page>, query_param: 'scene=<scene, URL-encoded>', describe }
 *   -> alipay_open_app_qrcode_create_response { code: '10000', qr_code_url, qr_code_url_circle_white, qr_code_url_circle_blue }
 *      | { code: '40004', msg, sub_code, sub_msg }
 */
export const ALIPAY_CODE_DESCRIBE = '分享海报';

export function createAlipayCodeAdapter(config: AlipayCodeConfig, opts: { fetchImpl?: AppCodeFetch } = {}): AppCodeAdapter {
  const doFetch = opts.fetchImpl ?? fetch;
  return {
    platform: 'alipay',
    async create({ page, scene }) {
      // A fresh SDK per call: the gateway may be rebased after the server listens.
      const sdk = new AlipaySdk({
        appId: config.appId,
        privateKey: config.privateKey,
        alipayPublicKey: config.alipayPublicKey,
        keyType: 'PKCS8',
        signType: 'RSA2',
        gateway: config.gateway,
        timeout: 8000,
        camelcase: false,
      });
      let answer: Record<string, unknown>;
      try {
        answer = (await sdk.exec(
          'alipay.open.app.qrcode.create',
          { bizContent: { url_param: page, query_param: `scene=${encodeURIComponent(scene)}`, describe: ALIPAY_CODE_DESCRIBE } },
          { validateSign: true },
        )) as Record<string, unknown>;
      } catch (err) {
        if (err instanceof AlipayRequestError) throw new AppCodeError('alipay', `the gateway call failed (${err.message})`);
        throw new AppCodeError('alipay', `the gateway call failed (${err instanceof Error ? err.message : String(err)})`);
      }
      if (answer.code !== '10000') {
        const sub = text(answer.sub_code) ?? text(answer.code) ?? '?';
        throw new AppCodeError('alipay', `${String(answer.code ?? '')} ${sub} ${String(answer.sub_msg ?? answer.msg ?? '')}`.trim(), sub);
      }
      const url = text(answer.qr_code_url);
      if (!url) throw new AppCodeError('alipay', 'the answer holds no qr_code_url');
      const res = await send('alipay', doFetch, url);
      if (!res.ok) throw new AppCodeError('alipay', `the code image answered HTTP ${res.status}`);
      const bytes = Buffer.from(await res.arrayBuffer());
      const contentType = sniffImage(bytes);
      if (!contentType) throw new AppCodeError('alipay', 'the code image is not a PNG or JPEG');
      return { contentType, bytes };
    },
  };
}
