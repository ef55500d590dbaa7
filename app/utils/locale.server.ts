// Bridge: the language of this request's pages (see app/i18n/locale.ts for the order).
import type { AppLoadContext } from '@remix-run/node'
import { isDatabaseUnavailable } from '#db/client.ts'
import { resolveLocale } from '#app/i18n/locale.ts'
import type { Locale } from '#app/i18n/resources.ts'
import { getMe } from '#server/services/users/me.ts'
import { getIdentity } from './auth.server.ts'

export async function requestLocale(request: Request, context: AppLoadContext): Promise<Locale> {
  try {
    return await personalLocale(request, context)
  } catch (error) {
    // While the database is unreachable the page (its 503) still speaks the browser's language.
    if (error instanceof Response && error.status === 503) {
      return resolveLocale({ acceptLanguage: request.headers.get('accept-language') })
    }
    if (isDatabaseUnavailable(error))
      return resolveLocale({ acceptLanguage: request.headers.get('accept-language') })
    throw error
  }
}

async function personalLocale(request: Request, context: AppLoadContext): Promise<Locale> {
  const acceptLanguage = request.headers.get('accept-language')
  const identity = await getIdentity(request, context)
  if (!identity) return resolveLocale({ acceptLanguage })
  const me = await context.services.db.withTenant(
    { tenantId: identity.tenantId, userId: identity.userId, role: identity.role },
    (tx) => getMe(tx, identity),
  )
  return resolveLocale({
    userLocale: me?.user.locale,
    clinicLocale: me?.clinic.defaultLocale,
    acceptLanguage,
  })
}
