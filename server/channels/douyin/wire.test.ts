import { createDouyinAdapter } from './adapter';
import { loadDouyinConfig } from './config';
import { douyinSandboxKeys } from './sandbox-keys';
import {
  formatByteAuthorization,
  parseByteAuthorization,
  platformSignContent,
  requestSignContent,
  rsaSign,
  rsaVerify,
  signRequest,
} from './wire';
import { NotificationRejected } from '../types';

/**
 * Fixed test vectors. The expected signatures were computed outside this code with OpenSSL
 * from the committed sandbox keys (RSASSA-PKCS1-v1_5 / SHA-256 is deterministic):
 *
 *   printf 'POST\n/requestOrder\n1700000000\n<nonce>\n<data>\n' | openssl dgst -sha256 -sign app_private_key.pem | openssl base64 -A
 *   printf '1700000000\n<nonce>\n<body>\n' | openssl dgst -sha256 -sign platform_private_key.pem | openssl base64 -A
 */
const TS = '1700000000';
const REQUEST_NONCE = 'OQWYDITOGSJQSPGPQMBMCJHBNUGJKXYO';
const REQUEST_DATA =
  '{"skuList":[{"skuId":"pay_1","price":100,"quantity":1,"title":"测试商品","imageList":["https://example.com/a.png"]}],"outOrderNo":"pay_1","totalAmount":100,"orderEntrySchema":{"path":"pages/orders/detail"}}';
const REQUEST_SIGNATURE =
  'bbgi5fwwSi1HATY7xa3HvY7nM6jFL++/yAmj9mix3BxMIHSvGiCWnFDVrweR3GymuaW3jqIoZjIw9TdatI12rd1UyduQTsX5WB8kQTGupDzlYqNAXLNL2xqTHtXbTsgX5hI8P6RsZdLpB2KeHU4C0/GJSiDKUm8UErRsrtaicU/PweA0vSSytcYnWUGJCNlEM5Qa4AP3/qARV6QUfvlQoU8KbUqw0iaEXBIZvX9Pf0sV67AuUuY07d8532pcn/nqj2qaabjAvulCMWLOKFyIh4LCB72uUm5C3paGNaJa6cnupWne7PmBz8DWMyya+wDReJoJ3zp2ScnUd8WRx14ulA==';

const CALLBACK_NONCE = 'NONCE0123456789ABCDEFGHIJKLMNOPQ';
const CALLBACK_BODY =
  '{"msg":"{\\"app_id\\":\\"tt-sandbox-app\\",\\"out_order_no\\":\\"pay_1\\",\\"order_id\\":\\"ot7000000000000000001\\",\\"status\\":\\"SUCCESS\\",\\"total_amount\\":100}","type":"payment","version":"3.0"}';
const CALLBACK_SIGNATURE =
  'FcN22s9ZVnxsAIGCfucZ9hayPYpynlIbXboU19JjAogqHQSLJMwItEM/6drPXEskKGnhw5mkAbewIHAYeTPpUIF8PuPUwkBiqSzlWbhfHEQ9ZNXVF2Pnzf43wTiJUKDCP/2qAWpNAdSkv/O4a3aT6TeMETMGQEvahzYKYD7UkokjEGTLW6geOC3Ch5jBjuBZdEWbANNmYsYIPwVDNqU5a23GbuGmmaj3g3OM2yjmNP+SaswGro+IKeco0GLwO/00HgSeg/N77h2uE94PKXdyhWMoQdDUqM+SFDus88+SIwSeBBVeEIR4fxNhyeCEJWC+Uz/KVWvt039pxYMXKGmM1A==';

const keys = douyinSandboxKeys();

describe('Douyin signing: fixed vectors', () => {
  it('builds the signed texts with a trailing newline after every part', () => {
    expect(requestSignContent('post', '/requestOrder', TS, REQUEST_NONCE, 'B')).toBe(`POST\n/requestOrder\n${TS}\n${REQUEST_NONCE}\nB\n`);
    expect(platformSignContent(TS, CALLBACK_NONCE, 'B')).toBe(`${TS}\n${CALLBACK_NONCE}\nB\n`);
  });

  it('signs a developer request to exactly the OpenSSL signature, and verifies it', () => {
    const content = requestSignContent('POST', '/requestOrder', TS, REQUEST_NONCE, REQUEST_DATA);
    expect(rsaSign(content, keys.appPrivateKey)).toBe(REQUEST_SIGNATURE);
    expect(rsaVerify(content, REQUEST_SIGNATURE, keys.appPublicKey)).toBe(true);
    expect(rsaVerify(content.replace('"price":100', '"price":1'), REQUEST_SIGNATURE, keys.appPublicKey)).toBe(false);
    expect(rsaVerify(content, REQUEST_SIGNATURE, keys.platformPublicKey)).toBe(false);
  });

  it('formats byteAuthorization as the platform documents it and parses it back', () => {
    const value = signRequest(
      { method: 'POST', uri: '/requestOrder', body: REQUEST_DATA, appId: 'tt-sandbox-app', keyVersion: '1', privateKey: keys.appPrivateKey },
      TS,
      REQUEST_NONCE,
    );
    expect(value).toBe(`SHA256-RSA2048 appid=tt-sandbox-app,nonce_str=${REQUEST_NONCE},timestamp=${TS},key_version=1,signature=${REQUEST_SIGNATURE}`);
    expect(parseByteAuthorization(value)).toEqual({ appId: 'tt-sandbox-app', nonce: REQUEST_NONCE, timestamp: TS, keyVersion: '1', signature: REQUEST_SIGNATURE });
    const quoted = `SHA256-RSA2048 appid="tt-sandbox-app",nonce_str="${REQUEST_NONCE}",timestamp="${TS}",key_version="1",signature="${REQUEST_SIGNATURE}"`;
    expect(parseByteAuthorization(quoted)?.signature).toBe(REQUEST_SIGNATURE);
    expect(formatByteAuthorization({ appId: 'a', nonce: 'n', timestamp: '1', keyVersion: '2', signature: 's' })).toBe('SHA256-RSA2048 appid=a,nonce_str=n,timestamp=1,key_version=2,signature=s');
    expect(parseByteAuthorization('WECHATPAY2-SHA256-RSA2048 appid=a')).toBeNull();
    expect(parseByteAuthorization(`SHA256-RSA2048 appid=a,nonce_str=n,timestamp=1,key_version=1`)).toBeNull();
    expect(parseByteAuthorization(undefined)).toBeNull();
  });

  it('signs a platform callback to exactly the OpenSSL signature', () => {
    expect(rsaSign(platformSignContent(TS, CALLBACK_NONCE, CALLBACK_BODY), keys.platformPrivateKey)).toBe(CALLBACK_SIGNATURE);
  });

  describe('the adapter verifies the OpenSSL-signed callback', () => {
    const config = loadDouyinConfig({}, { production: false, sandbox: true, publicBaseUrl: 'http://127.0.0.1:3000' });
    if (!config) throw new Error('sandbox config expected');
    const adapter = createDouyinAdapter(config);
    const at = Number(TS) * 1000;
    const headers = { 'byte-timestamp': TS, 'byte-nonce-str': CALLBACK_NONCE, 'byte-signature': CALLBACK_SIGNATURE, 'content-type': 'application/json' };

    it('accepts it and decodes the message', () => {
      const n = adapter.verifyNotification({ headers, rawBody: CALLBACK_BODY }, at + 60_000);
      expect(n).toEqual({
        kind: 'payment',
        paymentNo: 'pay_1',
        tradeNo: 'ot7000000000000000001',
        amount: 100,
        status: 'SUCCESS',
        paidAt: null,
        appId: 'tt-sandbox-app',
        merchantNo: '',
        notificationId: `payment:ot7000000000000000001:${TS}:${CALLBACK_NONCE}`,
      });
    });

    it('rejects a changed body, nonce or timestamp, a stale timestamp and missing headers', () => {
      const reject = (h: Record<string, string>, body: string, now = at) => {
        expect(() => adapter.verifyNotification({ headers: h, rawBody: body }, now)).toThrow(NotificationRejected);
      };
      reject(headers, CALLBACK_BODY.replace('"total_amount\\":100', '"total_amount\\":1'));
      reject({ ...headers, 'byte-nonce-str': 'X' + CALLBACK_NONCE.slice(1) }, CALLBACK_BODY);
      reject({ ...headers, 'byte-timestamp': String(Number(TS) + 1) }, CALLBACK_BODY, at);
      reject(headers, CALLBACK_BODY, at + 5 * 60_000 + 1000);
      reject(headers, CALLBACK_BODY, at - 5 * 60_000 - 1000);
      const { 'byte-signature': _omit, ...unsigned } = headers;
      reject(unsigned, CALLBACK_BODY);
      reject({ ...headers, 'byte-signature': 'not base64!' }, CALLBACK_BODY);
    });
  });
});
