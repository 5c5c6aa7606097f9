import { z } from 'zod';
import { routeAuthProblems, routes, type RouteDef, type StaffRouteRule } from './routes';

const entries = Object.entries(routes) as [string, RouteDef][];

/** Unwraps refinements and pipes down to the object schema a request part is built on. */
function baseObject(schema: z.ZodType): z.ZodObject | null {
  let s: z.ZodType = schema;
  for (let i = 0; i < 5; i++) {
    if (s instanceof z.ZodObject) return s;
    if (s instanceof z.ZodPipe) s = s.in as z.ZodType;
    else return null;
  }
  return null;
}

describe('route table', () => {
  it('has unique method + path pairs', () => {
    const seen = new Set<string>();
    for (const [, r] of entries) {
      const k = `${r.method} ${r.path}`;
      expect(seen.has(k)).toBe(false);
      seen.add(k);
    }
  });

  it.each(entries)('%s declares exactly the path parameters its path uses', (_name, r) => {
    const inPath = [...r.path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]).sort();
    const declared = r.params ? Object.keys(baseObject(r.params)?.shape ?? {}).sort() : [];
    expect(declared).toEqual(inPath);
  });

  it.each(entries.filter(([, r]) => r.body || r.query || r.params))('%s rejects unknown fields', (_name, r) => {
    for (const part of [r.params, r.query, r.body]) {
      if (!part) continue;
      // A discriminated union of strict objects rejects unknown fields through its members.
      if (part instanceof z.ZodDiscriminatedUnion) continue;
      const obj = baseObject(part);
      expect(obj).not.toBeNull();
      const result = part.safeParse({ ...Object.fromEntries(Object.keys(obj!.shape).map((k) => [k, undefined])), __unknown__: 1 });
      expect(result.success).toBe(false);
      expect(result.error?.issues.some((i) => i.code === 'unrecognized_keys')).toBe(true);
    }
  });

  it('never lets a client send a price: no request field names an amount or price', () => {
    const priceLike = /(price|amount|total)$/i;
    for (const [name, r] of entries) {
      if (!r.body) continue;
      const json = JSON.stringify(z.toJSONSchema(r.body, { io: 'input', unrepresentable: 'any' }));
      const keys = [...json.matchAll(/"([A-Za-z]+)":\{/g)].map((m) => m[1]);
      // addedPrice in cart merge is the price the guest saw, used only to flag a change; the
      // amount of a payment or refund is how much of what the server says is due or refundable
      // the shopper chooses to pay or get back, checked against it (never a price).
      // setSkuPrice is the merchant's staff setting the catalog's price (auth staff, audited), not a
      // client telling the server what to charge. A withdrawal's amount is how much of his
      // available commissions the promoter asks for, checked against what the server holds. A live
      // line's price is the host setting the session price (auth staff, audited, never above the
      // SKU's own); the checkout reads it from the session, never from the shopper.
      const allowed = new Set([
        ...(name === 'createLiveSession' || name === 'addLiveLine' || name === 'updateLiveLine' ? ['price'] : []),
        'addedPrice',
        ...(name === 'createPayment' || name === 'createRefund' || name === 'createReferralWithdrawal' ? ['amount'] : []),
        ...(name === 'setSkuPrice' ? ['price', 'originalPrice'] : []),
      ]);
      const offending = keys.filter((k) => priceLike.test(k) && !allowed.has(k));
      expect({ name, offending }).toEqual({ name, offending: [] });
    }
  });

  it('makes order creation and payment creation require an idempotency key', () => {
    expect(routes.createOrder.idempotency).toBe('required');
    expect(routes.createPayment.idempotency).toBe('required');
  });

  it('declares every merchant route as staff with its roles, and no other route so (decision 0023)', () => {
    expect(routeAuthProblems(routes)).toEqual([]);
    const staff = entries.filter(([, r]) => r.auth === 'staff');
    expect(staff.length).toBeGreaterThan(0);
    for (const [name, r] of staff) expect({ name, path: r.path.startsWith('/api/merchants/:merchantId') }).toEqual({ name, path: true });

    const base = { summary: '', tag: 'merchant', response: z.object({}) } as const;
    expect(
      routeAuthProblems({
        undeclared: { ...base, method: 'GET', path: '/api/merchants/:merchantId/orders', auth: 'user' },
        noRoles: { ...base, method: 'GET', path: '/api/merchants/:merchantId/goods', auth: 'staff' },
        emptyRoles: { ...base, method: 'GET', path: '/api/merchants/:merchantId/x', auth: 'staff', roles: [] },
        elsewhere: { ...base, method: 'GET', path: '/api/workbench', auth: 'staff', roles: ['owner'] },
        otherParam: { ...base, method: 'GET', path: '/api/merchants/:id', auth: 'staff', roles: ['owner'] },
        rolesOnUser: { ...base, method: 'GET', path: '/api/me/x', auth: 'user', roles: ['owner'] },
        fine: { ...base, method: 'GET', path: '/api/merchants/:merchantId/y', auth: 'staff', roles: ['operator'] },
      }).map((p) => p.split(':')[0]),
    ).toEqual(['undeclared', 'noRoles', 'emptyRoles', 'elsewhere', 'otherParam', 'otherParam', 'rolesOnUser']);
  });

  it('makes the same rule a type error (checked by the typecheck)', () => {
    type Base = { method: 'GET'; summary: ''; tag: ''; response: z.ZodObject };
    // @ts-expect-error a merchant route that does not say who may call it
    const undeclared: StaffRouteRule<Base & { path: '/api/merchants/:merchantId/orders'; auth: 'user' }> = { path: '/api/merchants/:merchantId/orders', auth: 'user' };
    // @ts-expect-error a staff route without roles
    const noRoles: StaffRouteRule<Base & { path: '/api/merchants/:merchantId'; auth: 'staff' }> = { path: '/api/merchants/:merchantId', auth: 'staff' };
    // @ts-expect-error a staff route elsewhere
    const elsewhere: StaffRouteRule<Base & { path: '/api/workbench'; auth: 'staff'; roles: readonly ['owner'] }> = { path: '/api/workbench', auth: 'staff' };
    const fine: StaffRouteRule<{ path: '/api/merchants/:merchantId/x'; auth: 'staff'; roles: readonly ['owner'] }> = { path: '/api/merchants/:merchantId/x', auth: 'staff', roles: ['owner'] };
    expect([undeclared, noRoles, elsewhere, fine].length).toBe(4);
  });
});
