import { z } from 'zod';
import { id } from './common';
import { phone } from './identity';

const text = (max: number) => z.string().trim().min(1).max(max);

export const addressInput = z.strictObject({
  name: text(20),
  phone,
  province: text(20),
  city: text(20),
  district: text(20),
  detail: text(120),
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
