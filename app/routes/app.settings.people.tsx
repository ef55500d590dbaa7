// People of the clinic: role, status, last sign-in, tokens this month; invite,
// change role, disable and enable, withdraw an invitation, erase a person with a
// receipt. Plain forms that post
// here, so every step works before JavaScript has loaded; each goes through the
// same admin procedure a script would call.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { json } from '@remix-run/node'
import { useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { ErasureSection } from '#app/components/settings/people-erasure.tsx'
import { InviteForm } from '#app/components/settings/people-invite-form.tsx'
import { PeopleList, PendingInvitations } from '#app/components/settings/people-list.tsx'
import { field } from '#app/components/ui/styles.ts'
import { metaT } from '#app/i18n/meta.ts'
import { readForm } from '#app/utils/read-form.ts'
import { refusalText, type ActionResult } from '#app/utils/refusal.ts'
import { formText } from '#app/utils/settings-form.ts'
import { getCaller } from '#app/utils/trpc.server.ts'
import { actionDone, actionRefused, unknownIntent } from '#app/utils/action.server.ts'

export const meta: MetaFunction = ({ matches }) => {
  const t = metaT(matches)
  return [{ title: t('settings.meta', { page: t('people.heading') }) }]
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { caller, identity } = await getCaller(request, context)
  const [people, invitations, erasures, me] = await Promise.all([
    caller.admin.users.list(),
    caller.admin.users.invitations(),
    caller.admin.users.erasures(),
    caller.me.get(),
  ])
  return json(
    { people, invitations, erasures, myId: identity.userId, clinic: me.clinic.name },
    { headers: { 'cache-control': 'no-store' } },
  )
}

/** What People shows after a change: whose row, and the words of its message. */
interface PeopleDone {
  userId?: string
  name?: string
  email?: string
  status?: string
}
export type PeopleActionResult = ActionResult<PeopleDone>

export async function action({ request, context }: ActionFunctionArgs) {
  const { caller } = await getCaller(request, context)
  const form = await readForm(request)
  const intent = formText(form, 'intent')
  const userId = formText(form, 'userId')
  const answer = (done: PeopleDone) => actionDone<PeopleDone>(intent, done)
  try {
    switch (intent) {
      case 'invite': {
        const invited = await caller.admin.users.invite({
          email: formText(form, 'email').trim(),
          name: formText(form, 'name'),
          role: formText(form, 'role') as 'therapist' | 'admin',
        })
        return answer({ email: invited.email, userId: invited.id })
      }
      case 'setRole': {
        const user = await caller.admin.users.setRole({
          userId,
          role: formText(form, 'role') as 'therapist' | 'admin',
        })
        return answer({ userId, name: user.name })
      }
      case 'setStatus': {
        const user = await caller.admin.users.setStatus({
          userId,
          status: formText(form, 'status') as 'active' | 'disabled',
        })
        return answer({ userId, name: user.name, status: user.status })
      }
      case 'erase': {
        // The job does the work; the receipt below follows its state.
        await caller.admin.users.erase({ userId, confirm: formText(form, 'confirm') })
        return answer({ userId })
      }
      case 'withdraw':
        await caller.admin.users.withdrawInvitation({ userId })
        return answer({ userId })
      default:
        return unknownIntent(intent)
    }
  } catch (error) {
    return actionRefused(intent, error, request)
  }
}

export default function People() {
  const { t } = useTranslation()
  const { people, invitations, erasures, myId, clinic } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const navigation = useNavigation()
  const idle = navigation.state === 'idle'
  const done = result?.ok ? result : null
  const refusal = result && !result.ok ? result : null
  const doneText = !done
    ? null
    : done.intent === 'invite'
      ? t('people.invited', { email: done.email ?? '' })
      : done.intent === 'withdraw'
        ? t('people.withdrawn')
        : done.intent === 'erase'
          ? t('erasure.queued')
          : done.intent === 'setRole'
            ? t('people.roleChanged')
            : t(done.status === 'active' ? 'people.enabled' : 'people.disabled', { name: done.name ?? '' })
  // Field problems of the invitation show beside its fields; anything else here.
  const inviteFieldErrors = refusal?.intent === 'invite' ? refusal.fieldErrors : {}
  // A confirmation that does not name the person shows beside its field.
  const confirmError =
    refusal?.intent === 'erase' && refusal.code === 'erasure_not_confirmed' ? refusalText(t, refusal) : null
  const formError =
    refusal && Object.keys(inviteFieldErrors).length === 0 && !confirmError ? refusalText(t, refusal) : null
  return (
    <div className="space-y-8">
      <section aria-labelledby="people-heading" className="space-y-4">
        <div>
          <h2 id="people-heading" className="text-xl font-semibold">
            {t('people.heading')}
          </h2>
          <p className="mt-1 max-w-prose text-sm text-slate-700 dark:text-slate-300">
            {t('people.intro', { clinic })}
          </p>
        </div>
        <div aria-live="polite">
          {idle && doneText ? (
            <p
              role="status"
              className="rounded-lg bg-green-50 px-3 py-2 text-sm text-green-900 dark:bg-green-950 dark:text-green-100"
            >
              {doneText}
            </p>
          ) : null}
          {idle && formError ? (
            <p role="alert" className={`rounded-lg bg-red-50 px-3 py-2 dark:bg-red-950 ${field.error}`}>
              {formError}
            </p>
          ) : null}
        </div>
        <PeopleList people={people} myId={myId} />
      </section>
      <PendingInvitations invitations={invitations} />
      <InviteForm clinic={clinic} fieldErrors={inviteFieldErrors} reset={done?.intent === 'invite'} />
      <ErasureSection people={people} myId={myId} receipts={erasures} confirmError={confirmError} />
    </div>
  )
}
