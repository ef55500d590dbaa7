// Per-person and per-token rate limits with rate-limiter-flexible (a well-kept library
// with exact "retry after" times). In the app the counters live in PostgreSQL through
// its Drizzle store, so every instance behind App Service's load balancer counts
// against the same limit; a key over its limit is then refused from memory until its
// window ends, without a round trip.
import {
  RateLimiterDrizzle,
  RateLimiterMemory,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible'
import type { Database } from '#db/client.ts'
import { rateLimits } from '#db/schema/index.ts'

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number }

export interface RateLimiter {
  /** Counts `points` (one call, or a batch's calls) against `key`. */
  take(key: string, points?: number): Promise<RateDecision>
}

export interface RateLimiterOptions {
  /** Names the limit in the shared table: `chat`, `api`, `api-token`. */
  prefix: string
  perMinute: number
  /** The shared store; without it the counts live in this process only (for tests of one instance). */
  db?: Database
}

export function createRateLimiter({ prefix, perMinute, db }: RateLimiterOptions): RateLimiter {
  const common = { keyPrefix: prefix, points: perMinute, duration: 60 }
  const limiter: RateLimiterAbstract = db
    ? new RateLimiterDrizzle({
        ...common,
        storeClient: db.outsideTenant,
        schema: rateLimits,
        // One row per key, overwritten each window: nothing to clean up.
        clearExpiredByTimeout: false,
        inMemoryBlockOnConsumed: perMinute,
      })
    : new RateLimiterMemory(common)
  return {
    async take(key, points = 1) {
      try {
        await limiter.consume(key, points)
        return { allowed: true }
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) {
          return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) }
        }
        throw rejection
      }
    },
  }
}

/** The chat stream's own limit: requests per person per minute. */
export interface ChatRateLimiter {
  take(tenantId: string, userId: string): Promise<RateDecision>
}

export function createChatRateLimiter(perMinute: number, db?: Database): ChatRateLimiter {
  const limiter = createRateLimiter({ prefix: 'chat', perMinute, db })
  return { take: (tenantId, userId) => limiter.take(`${tenantId}:${userId}`) }
}
