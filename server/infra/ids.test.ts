import { newId } from './ids';

test('ids: prefix, 10 time characters and 16 random ones in Crockford base32', () => {
  expect(newId('pay', 0)).toMatch(/^pay_0{10}[0-9A-HJKMNP-TV-Z]{16}$/);
});

test('ids sort by their time part', () => {
  const a = newId('o', 1_700_000_000_000);
  const b = newId('o', 1_700_000_000_001);
  expect(a < b).toBe(true);
});

test('ids stay unique across many refills of the random pool', () => {
  const ids = new Set<string>();
  for (let i = 0; i < 5000; i++) ids.add(newId('x', 1));
  expect(ids.size).toBe(5000);
});
