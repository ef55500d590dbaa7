// Per-user chat rate limit with rate-limiter-flexible: a well-kept library with
// fixed-window counters and exact "retry after" times, whose memory store suits one
// App Service instance and whose Postgres/Redis stores take over if we scale out.
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible'

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number }

export interface ChatRateLimiter {
  take(tenantId: string, userId: string): Promise<RateDecision>
}

export function createChatRateLimiter(perMinute: number): ChatRateLimiter {
  const limiter = new RateLimiterMemory({ points: perMinute, duration: 60, keyPrefix: 'chat' })
  return {
    async take(tenantId, userId) {
      try {
        await limiter.consume(`${tenantId}:${userId}`)
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
