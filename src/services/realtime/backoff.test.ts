import { backoffDelay, realtimePolicy } from './backoff';

describe('reconnect backoff', () => {
  test('full jitter: a uniform wait between 0 and a ceiling that doubles per attempt', () => {
    expect(backoffDelay(0, () => 0)).toBe(0);
    expect(backoffDelay(0, () => 0.999999)).toBe(999);
    expect(backoffDelay(1, () => 0.5)).toBe(1000);
    expect(backoffDelay(3, () => 0.5)).toBe(4000);
    expect(backoffDelay(4, () => 0.25)).toBe(4000);
  });

  test('never above the cap (30 s), however many attempts failed', () => {
    for (const attempt of [5, 6, 10, 50, 10_000]) {
      expect(backoffDelay(attempt, () => 0.999999)).toBeLessThanOrEqual(realtimePolicy.maxDelayMs);
      expect(backoffDelay(attempt, () => 0.999999)).toBeGreaterThanOrEqual(realtimePolicy.maxDelayMs - 1);
    }
  });

  test('spreads clients out: many draws cover the whole range, not one fixed delay', () => {
    const draws = Array.from({ length: 2000 }, () => backoffDelay(4));
    const ceiling = realtimePolicy.baseDelayMs * 16;
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(ceiling);
    // Every quarter of the range is used.
    for (let q = 0; q < 4; q++) {
      expect(draws.some((d) => d >= (q * ceiling) / 4 && d < ((q + 1) * ceiling) / 4)).toBe(true);
    }
    expect(new Set(draws).size).toBeGreaterThan(500);
  });

  test('a random source outside [0, 1) is clamped', () => {
    expect(backoffDelay(2, () => -1)).toBe(0);
    expect(backoffDelay(2, () => 5)).toBe(4000);
  });
});
