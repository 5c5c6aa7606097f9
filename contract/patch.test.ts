import { z } from 'zod';
import { routes, type RouteDef } from './routes';

/**
 * An update must change only what it names. zod 4's `.partial()` keeps a field's `.default()`,
 * so a PATCH body built from a create schema would fill every omitted defaulted field (an
 * address PATCH without isDefault cleared the default flag). For every PATCH route: a body
 * with any one field yields exactly that field, and an empty body (where allowed) yields nothing.
 */
const patches = (Object.entries(routes) as [string, RouteDef][]).filter(([, r]) => r.method === 'PATCH' && r.body);

/** A value the field accepts: tried from a few candidates. */
function sample(field: z.ZodType): unknown {
  if (field instanceof z.ZodEnum) return field.options[0];
  for (const v of ['赵六', '13900139000', 'x', '/x', true, false, 1, 5]) if (field.safeParse(v).success && v !== undefined) return v;
  throw new Error('no sample value for a field');
}

function objectOf(schema: z.ZodType): z.ZodObject {
  let s: z.ZodType = schema;
  while (!(s instanceof z.ZodObject)) {
    if (s instanceof z.ZodPipe) s = s.in as z.ZodType;
    else throw new Error('a PATCH body that is not an object');
  }
  return s;
}

describe('PATCH bodies', () => {
  it('there are PATCH routes to check', () => {
    expect(patches.map(([n]) => n)).toEqual(expect.arrayContaining(['updateAddress', 'updateCartItem']));
  });

  it.each(patches)('%s: a body with one field yields that field only', (_name, r) => {
    const body = r.body as z.ZodType;
    for (const [key, field] of Object.entries(objectOf(body).shape as Record<string, z.ZodType>)) {
      const input = { [key]: sample(field) };
      const out = body.parse(input) as Record<string, unknown>;
      expect(Object.keys(out)).toEqual([key]);
    }
    const empty = body.safeParse({});
    if (empty.success) expect(empty.data).toEqual({});
  });
});
