// The signed-in person's preferences (today: the language), stored through the same
// tRPC procedure a script would call. The account menu posts here with a fetcher and
// the page follows without a reload; a plain form with `redirectTo` works without JavaScript.
import type { ActionFunctionArgs } from '@remix-run/node'
import { json, redirect } from '@remix-run/node'
import { isLocale } from '#app/i18n/resources.ts'
import type { Refusal } from '#app/utils/refusal.ts'
import { readForm } from '#app/utils/read-form.ts'
import { safeReturnPath } from '#app/utils/return-path.server.ts'
import { getCaller, toRefusal } from '#app/utils/trpc.server.ts'

export type PreferencesActionResult = { ok: true } | Refusal

export async function action({ request, context }: ActionFunctionArgs) {
  const { caller } = await getCaller(request, context)
  const form = await readForm(request)
  const value = form.get('locale')
  // "clinic" (or nothing) follows the clinic's default language.
  const locale = isLocale(value) ? value : value === 'clinic' || value === null ? null : value
  try {
    await caller.me.updatePreferences({ locale: locale as 'de' | 'en' | null })
  } catch (error) {
    const refusal = toRefusal(error, request)
    return json<PreferencesActionResult>(refusal, { status: refusal.status })
  }
  const redirectTo = safeReturnPath(form.get('redirectTo'), { within: '/app' })
  return redirectTo ? redirect(redirectTo) : json<PreferencesActionResult>({ ok: true })
}

export function loader() {
  return redirect('/app')
}
