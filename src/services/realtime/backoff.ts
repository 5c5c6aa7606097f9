/** Reconnect policy: exponential backoff with full jitter, and the keep-alive timing. */
export const realtimePolicy = {
  /** The ceiling of the first wait (ms); it doubles per failed attempt. */
  baseDelayMs: 1000,
  /** No wait is longer than this. */
  maxDelayMs: 30_000,
  /** A ping this often while connected. */
  pingIntervalMs: 25_000,
  /** No frame at all this long after a ping: the connection is dead, close it and reconnect. */
  pongTimeoutMs: 10_000,
};

/**
 * The wait before reconnect attempt `attempt` (0 for the first after a loss): a uniformly random
 * time between 0 and min(max, base * 2^attempt) ("full jitter"), so clients that lost the same
 * server do not come back in step.
 */
export function backoffDelay(attempt: number, random: () => number = Math.random, policy = realtimePolicy): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(Math.max(0, attempt), 30));
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.floor(r * ceiling);
}
