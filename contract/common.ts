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

/**
 * Control characters: C0 (U+0000-U+001F), DEL and C1 (U+0080-U+009F), the Unicode category Cc.
 * A NUL cannot be stored in PostgreSQL text (and cuts strings short elsewhere); ESC and CSI
 * (U+001B, U+009B) start terminal escape sequences; none of them is something a shopper types.
 */
const CONTROL = /\p{Cc}/u;
/** The same, except the line breaks a multi-line field keeps (LF, CR). */
const CONTROL_EXCEPT_LINE_BREAKS = /(?![\n\r])\p{Cc}/u;
/**
 * A lone surrogate (U+D800-U+DFFF not in a pair, e.g. JSON "\ud800"): not a character, and a
 * database would silently store U+FFFD in its place, altering what the shopper typed.
 */
const LONE_SURROGATE = /\p{Cs}/u;

export const TEXT_MESSAGES = {
  control: 'must not contain control characters',
  surrogate: 'must not contain unpaired surrogates (not valid Unicode text)',
} as const;

/**
 * The one schema for free text a person types (names, address lines, remarks, reasons, search
 * keywords): trimmed, `min`..`max` UTF-16 code units after trimming (default min 1), and refused
 * (400 VALIDATION_FAILED) when it holds a control character or a lone surrogate. `multiline`
 * keeps line breaks (LF, CR) and still refuses every other control character.
 */
export function text(options: { max: number; min?: number; multiline?: boolean }) {
  const control = options.multiline ? CONTROL_EXCEPT_LINE_BREAKS : CONTROL;
  return z
    .string()
    .trim()
    .min(options.min ?? 1)
    .max(options.max)
    .refine((s) => !control.test(s), TEXT_MESSAGES.control)
    .refine((s) => !LONE_SURROGATE.test(s), TEXT_MESSAGES.surrogate);
}

/** An opaque list cursor as the server hands it out (base64url). */
export const cursor = z.string().regex(/^[A-Za-z0-9_-]{1,200}$/, 'invalid cursor');

export const cursorPage = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });
export const pageQuery = {
  cursor: cursor.optional(),
  limit: z.coerce.number().int().min(1).max(50).default(20),
};
