import fc from 'fast-check';
import { z } from 'zod';
import { TEXT_MESSAGES, text } from './common';
import { routes, type RouteDef } from './routes';

/** Every code point of Unicode's Cc category: C0, DEL and C1. */
const CONTROLS = [...Array.from({ length: 0x20 }, (_, i) => i), ...Array.from({ length: 0x21 }, (_, i) => 0x7f + i)].map((c) => String.fromCharCode(c));
const LINE_BREAKS = ['\n', '\r'];
const HIGH = fc.integer({ min: 0xd800, max: 0xdbff }).map((c) => String.fromCharCode(c));
const LOW = fc.integer({ min: 0xdc00, max: 0xdfff }).map((c) => String.fromCharCode(c));

/** Well-formed text without control characters (any plane: CJK, emoji as surrogate pairs ...). */
const typed = fc.string({ unit: 'binary', maxLength: 60 }).filter((s) => !/\p{Cc}|\p{Cs}/u.test(s));
/** A typed string with something inserted at a random position. */
const withInserted = (inserted: fc.Arbitrary<string>) =>
  fc.tuple(typed, inserted, fc.nat()).map(([s, x, at]) => {
    const i = at % (s.length + 1);
    return `a${s.slice(0, i)}${x}${s.slice(i)}b`;
  });

const messagesOf = (r: z.ZodSafeParseResult<string>) => (r.success ? [] : r.error.issues.map((i) => i.message));

describe('text(): the one schema for free text', () => {
  const single = text({ max: 200 });
  const multi = text({ max: 200, multiline: true });

  it('accepts what a person types, trimmed and otherwise unchanged (it survives a UTF-8 round trip)', () => {
    fc.assert(
      fc.property(typed, (s) => {
        const r = single.safeParse(s);
        const trimmed = s.trim();
        expect(r.success).toBe(trimmed.length >= 1 && trimmed.length <= 200);
        if (r.success) {
          expect(r.data).toBe(trimmed);
          expect(Buffer.from(r.data, 'utf8').toString('utf8')).toBe(r.data);
        }
      }),
    );
    expect(single.parse('  王小二 😀 Ünïcødé  ')).toBe('王小二 😀 Ünïcødé');
  });

  it('refuses every C0 and C1 control character wherever it stands', () => {
    fc.assert(
      fc.property(withInserted(fc.constantFrom(...CONTROLS)), (s) => {
        expect(messagesOf(single.safeParse(s))).toContain(TEXT_MESSAGES.control);
      }),
    );
    for (const c of ['\u0000', '\u001b', '\u0085', '\u009b', '\t', '\u007f']) expect(single.safeParse(`a${c}b`).success).toBe(false);
  });

  it('multi-line text keeps LF and CR and refuses every other control character', () => {
    expect(multi.parse(' 第一行\r\n第二行\n ')).toBe('第一行\r\n第二行');
    expect(single.safeParse('a\nb').success).toBe(false);
    fc.assert(
      fc.property(withInserted(fc.constantFrom(...CONTROLS.filter((c) => !LINE_BREAKS.includes(c)))), (s) => {
        expect(messagesOf(multi.safeParse(s))).toContain(TEXT_MESSAGES.control);
      }),
    );
  });

  it('refuses a lone surrogate (high or low) wherever it stands, and keeps pairs', () => {
    fc.assert(
      fc.property(withInserted(fc.oneof(HIGH, LOW)), (s) => {
        expect(messagesOf(single.safeParse(s))).toContain(TEXT_MESSAGES.surrogate);
        expect(messagesOf(multi.safeParse(s))).toContain(TEXT_MESSAGES.surrogate);
      }),
    );
    expect(single.safeParse(JSON.parse('"a\\ud800b"')).success).toBe(false);
    expect(single.safeParse(JSON.parse('"a\\udc00"')).success).toBe(false);
    expect(single.parse(JSON.parse('"\\ud83d\\ude00"'))).toBe('😀');
  });

  it('counts length after trimming, in UTF-16 code units', () => {
    const short = text({ max: 3 });
    expect(short.safeParse('  abc  ').success).toBe(true);
    expect(short.safeParse('abcd').success).toBe(false);
    expect(short.safeParse('   ').success).toBe(false);
    expect(text({ max: 3, min: 0 }).parse('   ')).toBe('');
  });
});

/** Every string schema a request's params, query or body is built from. */
function stringLeaves(schema: z.ZodType, path: string, out: [string, z.ZodType][]): void {
  if (schema instanceof z.ZodString) {
    out.push([path, schema]);
  } else if (schema instanceof z.ZodObject) {
    for (const [k, v] of Object.entries(schema.shape as Record<string, z.ZodType>)) stringLeaves(v, `${path}.${k}`, out);
  } else if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable || schema instanceof z.ZodDefault) {
    stringLeaves(schema.unwrap() as z.ZodType, path, out);
  } else if (schema instanceof z.ZodArray) {
    stringLeaves(schema.element as z.ZodType, `${path}[]`, out);
  } else if (schema instanceof z.ZodUnion) {
    schema.options.forEach((o, i) => stringLeaves(o as z.ZodType, `${path}|${i}`, out));
  } else if (schema instanceof z.ZodPipe) {
    stringLeaves(schema.in as z.ZodType, path, out);
  } else if (schema instanceof z.ZodNumber || schema instanceof z.ZodBoolean || schema instanceof z.ZodEnum || schema instanceof z.ZodLiteral) {
    // not text
  } else {
    throw new Error(`${path}: a schema kind this walk does not know (${schema.constructor.name}); teach it`);
  }
}

describe('every string a request carries', () => {
  const leaves: [string, z.ZodType][] = [];
  for (const [name, def] of Object.entries(routes) as [string, RouteDef][]) {
    for (const part of ['params', 'query', 'body'] as const) {
      const schema = def[part];
      if (schema) stringLeaves(schema, `${name}.${part}`, leaves);
    }
  }

  it('has string fields to check (the walk finds them)', () => {
    expect(leaves.map(([p]) => p)).toEqual(expect.arrayContaining(['createAddress.body.name', 'createOrder.body.remark', 'listProducts.query.q', 'rejectAfterSale.body.reason']));
  });

  it.each(leaves)('%s refuses NUL, ESC, C1 controls and lone surrogates', (_path, schema) => {
    for (const bad of ['ab\u0000', 'a\u001b[31mb', 'a\u0085b', 'a\u009b2Jb', 'a\ud800b', 'a\udfffb']) {
      expect(schema.safeParse(bad).success).toBe(false);
    }
  });
});
