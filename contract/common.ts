import { z } from 'zod';

/** Opaque resource id chosen by the server (e.g. "p_0001", "o_01H..."). */
export const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'invalid id');
/** Integer fen; never negative in our API. */
export const fen = z.number().int().min(0).max(10_000_000_00);
/** Unix epoch milliseconds. */
export const timestamp = z.number().int();
/** Quantity of one SKU in one line; anything above is absurd for a consumer cart. */
export const MAX_LINE_QUANTITY = 99;
export const quantity = z.number().int().min(1).max(MAX_LINE_QUANTITY);
/** Relative URL of an image served by the API, e.g. "/images/p_0001-1.svg". */
export const imagePath = z.string().min(1);
export const cursorPage = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });
export const pageQuery = {
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(50).default(20),
};
