import { z } from 'zod';
import { id } from '../../contract/common';
import { validationError } from './errors';

/**
 * List cursors: the last row's sort key and id as a JSON tuple in base64url. A cursor comes
 * back from the client, so it is input like any other: decoded, then checked against the
 * tuple's schema (known sort names, safe non-negative integer keys, ids of the id schema), and
 * anything else answers 400 VALIDATION_FAILED on query.cursor instead of reaching a query
 * (where a fraction or 1e20 made PostgreSQL fail with a 500).
 */
export interface CursorCodec<T> {
  encode(value: T): string;
  /** The decoded cursor, or VALIDATION_FAILED (path query.cursor). */
  decode(cursor: string): T;
}

/** A sort key a cursor carries: a non-negative safe integer (positions, counts, fen, epoch ms). */
export const cursorKey = z.int().min(0);
export const cursorId = id;

export function cursorCodec<T>(schema: z.ZodType<T>, explain = 'The cursor is not valid for this query; start again without it'): CursorCodec<T> {
  return {
    encode: (value) => Buffer.from(JSON.stringify(value)).toString('base64url'),
    decode: (cursor) => {
      let value: unknown;
      try {
        value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
      } catch {
        value = undefined;
      }
      const parsed = schema.safeParse(value);
      if (!parsed.success) throw validationError([{ path: 'query.cursor', message: 'invalid cursor' }], explain);
      return parsed.data;
    },
  };
}
