// The signed-in person's preferences (the language, the theme), stored through the same
// tRPC procedure a script would call. The account menu posts here with a fetcher and
// the page follows without a reload; a plain form with `redirectTo` works without JavaScript.
import type { ActionFunctionArgs } from '@remix-run/node'
import { redirect } from '@remix-run/node'
import { isLocale } from '#app/i18n/resources.ts'
import type { ActionResult } from '#app/utils/refusal.ts'
import { readForm } from '#app/utils/read-form.ts'
import { safeReturnPath } from '#app/utils/return-path.server.ts'
import { getCaller } from '#app/utils/trpc.server.ts'
import { actionDone, actionRefused } from '#app/utils/action.server.ts'

export type PreferencesActionResult = ActionResult

export async function action({ request, context }: ActionFunctionArgs) {
  const { caller } = await getCaller(request, context)
  const form = await readForm(request)
  const intent = 'preferences.update'
  // Only the preferences the form carries change. A language of "clinic" follows the clinic's default.
  const change: Record<string, unknown> = {}
  if (form.has('locale')) {
    const value = form.get('locale')
    change.locale = isLocale(value) ? value : value === 'clinic' ? null : value
  }
  if (form.has('theme')) change.theme = form.get('theme')
  try {
    // The procedure's schema checks the values (an unknown one answers invalid_input).
    await caller.me.updatePreferences(change as Parameters<typeof caller.me.updatePreferences>[0])
  } catch (error) {
    return actionRefused(intent, error, request)
  }
  const redirectTo = safeReturnPath(form.get('redirectTo'), { within: '/app' })
  return redirectTo ? redirect(redirectTo) : actionDone(intent)
}

export function loader() {
  return redirect('/app')
}
