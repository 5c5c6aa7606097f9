import { z } from 'zod';
import { id, text } from './common';
import { phone } from './identity';

/** The fields of an address as typed, without the default flag. */
const addressFields = z.strictObject({
  name: text({ max: 20 }),
  phone,
  province: text({ max: 20 }),
  city: text({ max: 20 }),
  district: text({ max: 20 }),
  detail: text({ max: 120 }),
});
export const addressInput = addressFields.extend({ isDefault: z.boolean().default(false) });
export type AddressInput = z.input<typeof addressInput>;
/**
 * Changes only the fields sent. Built from fields without defaults: zod 4's `.partial()` keeps
 * a `.default()`, and an omitted isDefault would have become false (clearing the default).
 */
export const addressPatch = addressFields.extend({ isDefault: z.boolean() }).partial();

export const address = z.object({
  id,
  name: z.string(),
  phone: z.string(),
  province: z.string(),
  city: z.string(),
  district: z.string(),
  detail: z.string(),
  isDefault: z.boolean(),
});
export type Address = z.infer<typeof address>;
export const addressList = z.object({ items: z.array(address) });
