// Reconnect delays: exponential backoff with full jitter, bounded by a cap.
// The n-th retry waits a uniformly random time in [0, min(cap, base * 2^n)).

export const DEFAULT_BACKOFF = Object.freeze({ base: 250, cap: 10_000 });

/** The upper bound of the wait before retry number `attempt` (0 for the first retry). */
export function backoffCeiling(attempt, { base, cap } = DEFAULT_BACKOFF) {
  const exponent = Math.min(Math.max(0, attempt), 30); // 2^30 * base is far above any cap
  return Math.min(cap, base * 2 ** exponent);
}

/** A random wait before retry number `attempt`: full jitter over [0, ceiling). */
export function backoffDelay(attempt, options = DEFAULT_BACKOFF, random = Math.random) {
  return Math.floor(random() * backoffCeiling(attempt, options));
}

/** Counts consecutive failures and hands out the next wait; reset() after a success. */
export class Backoff {
  constructor(options = DEFAULT_BACKOFF, random = Math.random) {
    this.options = checkBackoffOptions(options);
    this.random = random;
    this.attempt = 0;
  }

  next() {
    const delay = backoffDelay(this.attempt, this.options, this.random);
    this.attempt += 1;
    return delay;
  }

  reset() {
    this.attempt = 0;
  }
}

/** The options with defaults filled in; throws on values that would make retries hammer or stall. */
export function checkBackoffOptions(options = {}) {
  const merged = { ...DEFAULT_BACKOFF, ...options };
  for (const key of ['base', 'cap']) {
    if (!Number.isFinite(merged[key]) || merged[key] <= 0) {
      throw new TypeError(`herald: backoff.${key} must be a positive number of milliseconds`);
    }
  }
  if (merged.cap < merged.base) throw new TypeError('herald: backoff.cap must not be below backoff.base');
  return merged;
}
