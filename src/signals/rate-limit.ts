/**
 * Per-client token buckets for the public signal routes.
 *
 * In memory, so on a deployment with several instances (Node processes, Workers isolates) each
 * instance limits on its own: the effective limit is the per-instance one times the instances a
 * client reaches. It is there to blunt floods from one address, not to meter exactly.
 */
export interface RateLimit {
  /** sustained requests per second per client */
  perSecond: number;
  /** requests a client may make at once after being idle */
  burst: number;
}

/** Generous for browsers (a page sends a beacon or two); shared addresses (offices, CGNAT) need headroom. */
export const DEFAULT_RATE_LIMIT: RateLimit = { perSecond: 50, burst: 200 };

export interface TokenBuckets {
  /** 0 when the request may go ahead, else the seconds until it may (for Retry-After). */
  take(key: string, nowMs: number): number;
}

export function tokenBuckets(limit: RateLimit, maxKeys = 100_000): TokenBuckets {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const refillMs = (limit.burst / limit.perSecond) * 1000;

  /** Forgets clients whose bucket has refilled (they lose nothing); if that is not enough, the oldest. */
  function evict(nowMs: number): void {
    for (const [key, b] of buckets) if (nowMs - b.at >= refillMs) buckets.delete(key);
    for (const key of buckets.keys()) {
      if (buckets.size <= maxKeys * 0.9) break;
      buckets.delete(key);
    }
  }

  return {
    take(key, nowMs) {
      let b = buckets.get(key);
      if (!b) {
        if (buckets.size >= maxKeys) evict(nowMs);
        b = { tokens: limit.burst, at: nowMs };
        buckets.set(key, b);
      } else {
        b.tokens = Math.min(limit.burst, b.tokens + ((nowMs - b.at) / 1000) * limit.perSecond);
        b.at = nowMs;
      }
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return 0;
      }
      return Math.max(1, Math.ceil((1 - b.tokens) / limit.perSecond));
    },
  };
}
