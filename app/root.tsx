import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import {
  isRouteErrorResponse,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useFetcher,
  useRouteError,
  useRouteLoaderData,
} from '@remix-run/react'
import { useEffect, useMemo, type ReactNode } from 'react'
import { I18nextProvider, useTranslation } from 'react-i18next'
import { createI18n } from '#app/i18n/instance.ts'
import { DEFAULT_LOCALE, isLocale } from '#app/i18n/resources.ts'
import { isTheme } from '#app/i18n/preferences.ts'
import { requestPreferences } from '#app/utils/locale.server.ts'
import tailwind from './styles/tailwind.css'
import { useNonce } from './utils/nonce.ts'

export const links: LinksFunction = () => [
  { rel: 'stylesheet', href: tailwind },
  { rel: 'icon', href: '/favicon.svg', type: 'image/svg+xml' },
]

export const meta: MetaFunction = () => [{ title: 'ClinAI' }]

/**
 * The page's language and theme, decided on the server for the first byte (no flash of the
 * other theme on reload), and the time that relative dates count from, so the server and
 * the browser render them alike.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  return { ...(await requestPreferences(request, context)), now: Date.now() }
}

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce()
  const root = useRouteLoaderData<typeof loader>('root')
  // A language or theme just chosen in the account menu shows at once, before the loaders confirm it.
  const pending = useFetcher({ key: 'preferences' }).formData
  const chosen = pending?.get('locale')
  const locale = isLocale(chosen) ? chosen : (root?.locale ?? DEFAULT_LOCALE)
  const chosenTheme = pending?.get('theme')
  const theme = isTheme(chosenTheme) ? chosenTheme : (root?.theme ?? 'system')
  // One instance per language: switching languages swaps it, and every text follows without a reload.
  const i18n = useMemo(() => createI18n(locale), [locale])
  return (
    // data-theme drives Tailwind's dark variant (tailwind.config.ts); `system` follows the device.
    <html lang={locale} data-theme={theme} style={{ colorScheme: theme === 'system' ? 'light dark' : theme }}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content={theme === 'system' ? 'light dark' : theme} />
        <Meta />
        <Links />
      </head>
      <body>
        <I18nextProvider i18n={i18n}>{children}</I18nextProvider>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  )
}

export default function App() {
  // Marks the page as interactive: browser tests wait for it before using menus and dialogs.
  useEffect(() => {
    document.documentElement.dataset.hydrated = 'true'
  }, [])
  return <Outlet />
}

export function ErrorBoundary() {
  const error = useRouteError()
  const { t } = useTranslation()
  const status = isRouteErrorResponse(error) ? error.status : 500
  if (status === 503) {
    // The database is briefly unreachable (the response carries Retry-After): nothing is lost.
    return (
      <main className="page narrow">
        <h1>{t('errors.unavailableTitle')}</h1>
        <p>{t('errors.unavailableText')}</p>
        <p>
          <a href="">{t('errors.tryAgain')}</a>
        </p>
      </main>
    )
  }
  const notFound = status === 404
  return (
    <main className="page narrow">
      <h1>{notFound ? t('errors.notFoundTitle') : t('errors.failedTitle')}</h1>
      <p>{notFound ? t('errors.notFoundText') : t('errors.failedText')}</p>
      <p>
        <a href="/">{t('errors.backHome')}</a>
      </p>
    </main>
  )
}
