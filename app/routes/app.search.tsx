// Search results in the main pane: /app/search?q=…, best match first, each with
// a snippet whose matches are highlighted. Opening one opens the conversation.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { json } from '@remix-run/node'
import { Link, useLoaderData, useNavigation, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { useFormat } from '#app/i18n/format.ts'
import { metaT } from '#app/i18n/meta.ts'
import { Snippet } from '#app/components/workspace/snippet.tsx'
import { cx } from '#app/components/ui/styles.ts'
import { refusalText } from '#app/utils/refusal.ts'
import { readSidebarState, sidebarSearch } from '#app/utils/sidebar-state.ts'
import { getCaller, toRefusal } from '#app/utils/trpc.server.ts'
import type { NoteSummary } from '#server/services/notes/notes.ts'

const PAGE = 20

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => {
  const t = metaT(matches)
  return [{ title: data?.query ? t('meta.searchFor', { query: data.query }) : t('meta.search') }]
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { caller } = await getCaller(request, context)
  const params = new URL(request.url).searchParams
  const query = (params.get('q') ?? '').trim()
  const offset = Math.max(0, Number.parseInt(params.get('offset') ?? '0', 10) || 0)
  if (!query) return json({ query, offset, page: null, notes: [] as NoteSummary[], refusal: null })
  try {
    const [page, notes] = await Promise.all([
      caller.conversations.search({ query, limit: PAGE, offset }),
      // Consultation notes that match, on the first page only.
      offset === 0 ? caller.notes.search({ query, limit: 10 }) : Promise.resolve<NoteSummary[]>([]),
    ])
    return json({ query, offset, page, notes, refusal: null })
  } catch (error) {
    // Codes only; the page words them in the reader's language.
    const refusal = toRefusal(error, request)
    return json(
      { query, offset, page: null, notes: [] as NoteSummary[], refusal },
      { status: refusal.status },
    )
  }
}

export default function SearchResults() {
  const { t } = useTranslation()
  const format = useFormat()
  const { query, offset, page, notes, refusal } = useLoaderData<typeof loader>()
  const [params] = useSearchParams()
  const navigation = useNavigation()
  const keep = sidebarSearch(readSidebarState(params))
  const searching = navigation.state === 'loading' && navigation.location.pathname === '/app/search'
  const pageLink = (at: number) => {
    const next = new URLSearchParams(params)
    if (at > 0) next.set('offset', String(at))
    else next.delete('offset')
    return `/app/search?${next.toString()}`
  }
  const count = page?.items.length ?? 0
  return (
    <div className={cx('mx-auto w-full max-w-3xl px-4 py-8 sm:px-8', searching && 'opacity-60')}>
      <h1 className="text-2xl font-semibold tracking-tight">
        {query ? t('search.resultsFor', { query }) : t('search.heading')}
      </h1>
      <p role="status" className="mt-1 min-h-[1.5rem] text-sm text-slate-600 dark:text-slate-300">
        {searching
          ? t('search.searching')
          : refusal || !page || count === 0
            ? ''
            : page.nextOffset !== null
              ? t('search.range', { from: format.number(offset + 1), to: format.number(offset + count) })
              : t('search.rangeOf', {
                  from: format.number(offset + 1),
                  to: format.number(offset + count),
                  total: format.number(offset + count),
                })}
      </p>
      {notes.length > 0 ? (
        <section aria-labelledby="note-hits" className="mt-6" data-testid="note-hits">
          <h2 id="note-hits" className="text-sm font-semibold text-slate-700 dark:text-slate-300">
            {t('notes.heading')}
          </h2>
          <ul className="mt-2 space-y-2">
            {notes.map((note) => (
              <li key={note.id}>
                <Link
                  to={`/app/notes/${note.id}`}
                  className="flex justify-between gap-2 rounded-xl border border-slate-200 p-3 hover:bg-slate-50 dark:border-slate-700 dark:hover:bg-slate-900"
                >
                  <span>
                    {t('notes.listItem', {
                      patientRef: note.patientRef,
                      date: format.date(note.sessionDate),
                    })}{' '}
                    · {note.templateName}
                  </span>
                  <span className="text-xs text-slate-600 dark:text-slate-300">
                    {note.status === 'signed' ? t('notes.signedBadge') : t('notes.draftBadge')}
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {refusal ? (
        <p role="alert" className="mt-6 text-red-700 dark:text-red-300">
          {refusalText(t, refusal)}
        </p>
      ) : !page ? (
        <div className="mt-6 space-y-2 text-slate-700 dark:text-slate-300">
          <p>{t('search.hintType')}</p>
          <p>{t('search.hintForms')}</p>
        </div>
      ) : count === 0 ? (
        <div className="mt-6 space-y-2 text-slate-700 dark:text-slate-300">
          <p>{t('search.noMatch', { query })}</p>
          <p>{t('search.noMatchHint')}</p>
        </div>
      ) : (
        <ol className="mt-6 space-y-3" aria-label={t('search.results')}>
          {page.items.map((hit) => (
            <li key={hit.conversationId}>
              <Link
                to={`/app/c/${hit.conversationId}${keep}`}
                className="block rounded-xl border border-slate-200 p-4 hover:border-slate-300 hover:bg-slate-50 dark:border-slate-700 dark:hover:border-slate-600 dark:hover:bg-slate-900"
              >
                <h2 className="font-medium">
                  {hit.source === 'title' ? <Snippet snippet={hit.snippet} /> : hit.title}
                </h2>
                {hit.source === 'message' ? (
                  <p className="mt-1 text-sm text-slate-700 dark:text-slate-300">
                    <Snippet snippet={hit.snippet} />
                  </p>
                ) : null}
                <p className="mt-2 text-xs text-slate-600 dark:text-slate-300">
                  {hit.source === 'title' ? t('search.matchedTitle') : t('search.matchedMessage')} ·{' '}
                  <time dateTime={hit.lastMessageAt} title={format.dateTime(hit.lastMessageAt)}>
                    {t('search.lastActivity', { when: format.relative(hit.lastMessageAt) })}
                  </time>
                </p>
              </Link>
            </li>
          ))}
        </ol>
      )}
      {page && (offset > 0 || page.nextOffset !== null) ? (
        <nav aria-label={t('search.pages')} className="mt-6 flex justify-between gap-3">
          {offset > 0 ? (
            <Link
              className="rounded text-sm font-medium text-blue-700 underline dark:text-blue-300"
              to={pageLink(Math.max(0, offset - PAGE))}
            >
              {t('search.previous')}
            </Link>
          ) : (
            <span />
          )}
          {page.nextOffset !== null ? (
            <Link
              className="rounded text-sm font-medium text-blue-700 underline dark:text-blue-300"
              to={pageLink(page.nextOffset)}
            >
              {t('search.more')}
            </Link>
          ) : null}
        </nav>
      ) : null}
    </div>
  )
}
