// Bridge: the language and theme of this request's pages (see app/i18n/locale.ts for the order).
import type { AppLoadContext } from '@remix-run/node'
import { isDatabaseUnavailable } from '#db/client.ts'
import { resolveLocale } from '#app/i18n/locale.ts'
import type { Theme } from '#app/i18n/preferences.ts'
import type { Locale } from '#app/i18n/resources.ts'
import { getMe } from '#server/services/users/me.ts'
import { getIdentity } from './auth.server.ts'

/** The language and the theme of this request's pages; signed out, the theme follows the device. */
export async function requestPreferences(
  request: Request,
  context: AppLoadContext,
): Promise<{ locale: Locale; theme: Theme }> {
  try {
    return await personalPreferences(request, context)
  } catch (error) {
    // While the database is unreachable the page (its 503) still speaks the browser's language.
    if ((error instanceof Response && error.status === 503) || isDatabaseUnavailable(error)) {
      return {
        locale: resolveLocale({ acceptLanguage: request.headers.get('accept-language') }),
        theme: 'system',
      }
    }
    throw error
  }
}

async function personalPreferences(
  request: Request,
  context: AppLoadContext,
): Promise<{ locale: Locale; theme: Theme }> {
  const acceptLanguage = request.headers.get('accept-language')
  const identity = await getIdentity(request, context)
  if (!identity) return { locale: resolveLocale({ acceptLanguage }), theme: 'system' }
  const me = await context.services.db.withTenant(
    { tenantId: identity.tenantId, userId: identity.userId, role: identity.role },
    (tx) => getMe(tx, identity),
  )
  return {
    locale: resolveLocale({
      userLocale: me?.user.locale,
      clinicLocale: me?.clinic.defaultLocale,
      acceptLanguage,
    }),
    theme: me?.user.theme ?? 'system',
  }
}
