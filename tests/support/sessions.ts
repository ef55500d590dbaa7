// Signs a test person in without the identity provider (tests whose subject is
// not sign-in itself), by opening a real session row and cookie.
import type { AppContext } from '#server/app-context.ts'
import { createSession } from '#server/auth/sessions.ts'

export async function sessionCookieFor(services: AppContext, user: { tenantId: string; userId: string }) {
  const { setCookie } = await services.db.withTenant(
    { tenantId: user.tenantId, userId: null, role: 'system' },
    (tx) => createSession(tx, services.config, user),
  )
  return setCookie.split(';')[0]!
}
