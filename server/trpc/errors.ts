// A refused call as a TRPCError whose message is a code of the contract
// (server/contract/codes.ts); the error formatter guarantees nothing else reaches a client.
import { TRPCError } from '@trpc/server'
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc'
import { isDatabaseUnavailable } from '#db/client.ts'
import { isApiErrorCode, type ApiErrorCode } from '#server/contract/codes.ts'

const TRPC_CODE: Record<ApiErrorCode, TRPC_ERROR_CODE_KEY> = {
  unauthenticated: 'UNAUTHORIZED',
  credentials_refused: 'UNAUTHORIZED',
  forbidden: 'FORBIDDEN',
  not_found: 'NOT_FOUND',
  conversation_not_found: 'NOT_FOUND',
  folder_not_found: 'NOT_FOUND',
  token_not_found: 'NOT_FOUND',
  user_not_found: 'NOT_FOUND',
  clinic_not_found: 'NOT_FOUND',
  note_not_found: 'NOT_FOUND',
  template_not_found: 'NOT_FOUND',
  note_signed: 'CONFLICT',
  note_not_signed: 'CONFLICT',
  note_busy: 'CONFLICT',
  edit_conflict: 'CONFLICT',
  template_limit: 'CONFLICT',
  folder_limit: 'CONFLICT',
  folder_name_taken: 'CONFLICT',
  token_limit: 'CONFLICT',
  last_admin: 'CONFLICT',
  erasure_not_confirmed: 'BAD_REQUEST',
  erasure_of_self: 'CONFLICT',
  erasure_exists: 'CONFLICT',
  erasure_not_found: 'NOT_FOUND',
  person_erased: 'CONFLICT',
  invitation_not_found: 'NOT_FOUND',
  user_exists: 'CONFLICT',
  invalid_input: 'BAD_REQUEST',
  method_not_allowed: 'METHOD_NOT_SUPPORTED',
  too_large: 'PAYLOAD_TOO_LARGE',
  conflict: 'CONFLICT',
  rate_limited: 'TOO_MANY_REQUESTS',
  database_unavailable: 'SERVICE_UNAVAILABLE',
  internal: 'INTERNAL_SERVER_ERROR',
}

export function apiError(code: ApiErrorCode, options: { cause?: unknown } = {}): TRPCError {
  return new TRPCError({ code: TRPC_CODE[code], message: code, cause: options.cause })
}

/** Seconds a caller waits before trying again while the database is unreachable (`Retry-After`). */
export const DATABASE_RETRY_AFTER_SECONDS = 5

/**
 * A failure because the database cannot be reached (after the pool's bounded connect wait)
 * as 503 `database_unavailable` with Retry-After; anything else unchanged.
 */
export function asDatabaseOutage(error: unknown, resHeaders: Headers | undefined): unknown {
  if (error instanceof TRPCError && error.message === 'database_unavailable') return error
  if (!isDatabaseUnavailable(error)) return error
  resHeaders?.set('retry-after', String(DATABASE_RETRY_AFTER_SECONDS))
  return apiError('database_unavailable', { cause: error })
}

/** The contract's code for any TRPCError: its own when it carries one, else one for its kind. */
export function apiErrorCode(error: TRPCError): ApiErrorCode {
  if (error.code === 'INTERNAL_SERVER_ERROR') return 'internal'
  if (isApiErrorCode(error.message)) return error.message
  switch (error.code) {
    case 'UNAUTHORIZED':
      return 'unauthenticated'
    case 'FORBIDDEN':
      return 'forbidden'
    case 'NOT_FOUND':
      return 'not_found'
    case 'BAD_REQUEST':
    case 'PARSE_ERROR':
    case 'UNPROCESSABLE_CONTENT':
      return 'invalid_input'
    case 'METHOD_NOT_SUPPORTED':
      return 'method_not_allowed'
    case 'PAYLOAD_TOO_LARGE':
      return 'too_large'
    case 'CONFLICT':
      return 'conflict'
    case 'TOO_MANY_REQUESTS':
      return 'rate_limited'
    default:
      return 'internal'
  }
}
