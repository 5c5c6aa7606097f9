import { routes, type RouteDef, type RouteName } from '../contract/routes';
import { canned, DEMO_LIVE_SESSION_ID, matchRoute, SMOKE_TOKEN, type CannedCall } from './fixtures';

describe('canned API answers of the smoke host', () => {
  const call: CannedCall = { params: { id: 'p_demo', skuId: 'sku_demo_1' }, query: {}, body: undefined };

  test.each(Object.keys(routes) as RouteName[])('%s is shaped like the route response schema', (name) => {
    const fn = canned[name] as (c: CannedCall) => unknown;
    const params = name === 'getOrder' || name === 'cancelOrder' || name === 'confirmReceipt' || name === 'listRefunds' || name === 'listOpenPayments' ? { id: 'o_smoke' }
      : name === 'getParentOrder' ? { id: 'po_smoke' } : name === 'getPayment' || name === 'cancelPayment' ? { id: 'pay_smoke' }
      : name === 'resolveReferralLink' ? { token: SMOKE_TOKEN }
      : name === 'getLiveSession' || name === 'likeLiveSession' ? { sessionId: DEMO_LIVE_SESSION_ID } : call.params;
    const out = fn({ ...call, params });
    // A 204 route answers no body (null); any other null would be the host's 404.
    if ((routes[name] as RouteDef).status !== 204) expect(out).not.toBeNull();
    expect(() => routes[name].response.parse(out)).not.toThrow();
  });

  test('unknown ids answer null (the host turns that into 404)', () => {
    expect(canned.getProduct({ params: { id: 'p_other' }, query: {}, body: undefined })).toBeNull();
  });

  test('matchRoute prefers literal segments over params', () => {
    expect(matchRoute('GET', '/api/orders/counts')).toEqual({ name: 'getOrderCounts', params: {} });
    expect(matchRoute('GET', '/api/orders/o_1')).toEqual({ name: 'getOrder', params: { id: 'o_1' } });
    expect(matchRoute('POST', '/api/orders/o_1/cancel')).toEqual({ name: 'cancelOrder', params: { id: 'o_1' } });
    expect(matchRoute('GET', '/api/nope')).toBeNull();
    expect(matchRoute('DELETE', '/api/home')).toBeNull();
  });
});
