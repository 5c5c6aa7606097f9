import { z } from 'zod';
import { id, text } from './common';
import { phone } from './identity';

export const addressInput = z.strictObject({
  name: text({ max: 20 }),
  phone,
  province: text({ max: 20 }),
  city: text({ max: 20 }),
  district: text({ max: 20 }),
  detail: text({ max: 120 }),
  isDefault: z.boolean().default(false),
});
export type AddressInput = z.input<typeof addressInput>;
export const addressPatch = addressInput.partial();

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
