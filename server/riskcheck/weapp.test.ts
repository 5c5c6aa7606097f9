import { testApp, type TestApp } from '../test/app';
import { weappAccessTokens, type WeappAccessTokens } from '../appcodes';
import { createWeappRiskCheck, RiskCheckError } from './index';

/**
 * WeChat's getUserRiskRank adapter against its stand-in (server/standins/weapp-risk.ts) through
 * the real app over HTTP: the request it sends, the rank it reads, a token WeChat no longer
 * accepts (dropped and fetched again once), and each failure as a RiskCheckError.
 */
let t: TestApp;
let tokens: WeappAccessTokens;
const sent: { url: string; body: string }[] = [];
const recording: typeof fetch = async (input, init) => {
  sent.push({ url: String(input), body: typeof init?.body === 'string' ? init.body : '' });
  return fetch(input, init);
};

beforeAll(async () => {
  t = await testApp({ seed: false });
  tokens = weappAccessTokens({ appId: t.config.weapp.appId, secret: t.config.weapp.secret, apiBase: `${t.baseUrl}/sandbox/weapp` });
});
afterAll(async () => {
  await t.close();
});

const config = () => ({ appId: t.config.weapp.appId, apiBase: `${t.baseUrl}/sandbox/weapp` });
const setRisk = (openid: string, body: Record<string, unknown>) => t.request('PUT', `/sandbox/weapp/risk/${openid}`, { body });

it('sends the app id, the openid, scene 1 and the client address; reads the rank (0 until the stand-in is told otherwise)', async () => {
  const check = createWeappRiskCheck(config(), tokens, { fetchImpl: recording });
  expect(await check.rank({ openid: 'o_plain', clientIp: '203.0.113.9' })).toBe(0);
  await setRisk('o_risky', { rank: 3 });
  expect(await check.rank({ openid: 'o_risky', clientIp: '203.0.113.9' })).toBe(3);
  const last = sent[sent.length - 1];
  expect(last.url).toMatch(/\/sandbox\/weapp\/wxa\/getuserriskrank\?access_token=wx\./);
  expect(JSON.parse(last.body)).toEqual({ appid: t.config.weapp.appId, openid: 'o_risky', scene: 1, client_ip: '203.0.113.9' });
});

it('a token WeChat no longer accepts is dropped and the call made once more with a new one', async () => {
  let first = true;
  const dropped: string[] = [];
  const stale: WeappAccessTokens = {
    get: async () => (first ? ((first = false), 'wx.stale-token') : tokens.get()),
    invalidate: (token) => {
      dropped.push(token);
      tokens.invalidate(token);
    },
  };
  await setRisk('o_twice', { rank: 2 });
  expect(await createWeappRiskCheck(config(), stale).rank({ openid: 'o_twice', clientIp: '203.0.113.9' })).toBe(2);
  expect(dropped).toEqual(['wx.stale-token']);
  // Never a third time: a token refused twice is a failure.
  const alwaysStale: WeappAccessTokens = { get: async () => 'wx.stale-token', invalidate: () => undefined };
  await expect(createWeappRiskCheck(config(), alwaysStale).rank({ openid: 'o_twice', clientIp: '203.0.113.9' })).rejects.toMatchObject({ errcode: 40001 });
});

it('an errcode, an HTTP error, a wrong app id and no answer at all are RiskCheckErrors', async () => {
  const check = createWeappRiskCheck(config(), tokens);
  await setRisk('o_err', { fault: 'errcode' });
  await expect(check.rank({ openid: 'o_err', clientIp: '203.0.113.9' })).rejects.toMatchObject({ name: 'RiskCheckError', errcode: -1 });
  await setRisk('o_500', { fault: 'http500' });
  await expect(check.rank({ openid: 'o_500', clientIp: '203.0.113.9' })).rejects.toThrow(/HTTP 500/);
  await setRisk('o_500', { fault: null, rank: 1 });
  expect(await check.rank({ openid: 'o_500', clientIp: '203.0.113.9' })).toBe(1);
  await expect(createWeappRiskCheck({ ...config(), appId: 'wx-other' }, tokens).rank({ openid: 'o_plain', clientIp: '203.0.113.9' })).rejects.toMatchObject({ errcode: 40013 });
  const nowhere = { appId: 'wx', secret: 's', apiBase: 'http://127.0.0.1:9' };
  const down = createWeappRiskCheck(nowhere, tokens, { timeoutMs: 1000 });
  await expect(down.rank({ openid: 'o_plain', clientIp: '203.0.113.9' })).rejects.toBeInstanceOf(RiskCheckError);
  await expect(down.rank({ openid: 'o_plain', clientIp: '203.0.113.9' })).rejects.toThrow(/did not answer/);
  // The stand-in counts what it was asked.
  expect((await t.get<{ checks: number }>('/sandbox/weapp/risk/o_500')).body.checks).toBe(2);
});

it('the stand-in refuses a malformed request as WeChat does', async () => {
  const token = await tokens.get();
  const ask = (body: unknown) => t.post<{ errcode: number }>(`/sandbox/weapp/wxa/getuserriskrank?access_token=${token}`, body);
  expect((await ask({ appid: t.config.weapp.appId, openid: '', scene: 1, client_ip: '1.1.1.1' })).body.errcode).toBe(40003);
  expect((await ask({ appid: t.config.weapp.appId, openid: 'o', scene: 9, client_ip: '1.1.1.1' })).body.errcode).toBe(47001);
  expect((await ask({ appid: t.config.weapp.appId, openid: 'o', scene: 1 })).body.errcode).toBe(47001);
  expect((await t.post<{ errcode: number }>('/sandbox/weapp/wxa/getuserriskrank?access_token=nope', { appid: t.config.weapp.appId, openid: 'o', scene: 1, client_ip: '1.1.1.1' })).body.errcode).toBe(40001);
  expect((await t.request('PUT', '/sandbox/weapp/risk/o', { body: { rank: 7 } })).status).toBe(400);
});
