// The sidebar's notes: "New note", the person's recent notes (draft or signed) and, for admins,
// the clinic's note templates.
import { Link, NavLink } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { useFormat } from '#app/i18n/format.ts'
import { button, cx, muted } from '#app/components/ui/styles.ts'
import type { WorkspaceData } from './workspace-data.ts'

export function NoteList({ notes, isAdmin }: { notes: WorkspaceData['notes']; isAdmin: boolean }) {
  const { t } = useTranslation()
  const format = useFormat()
  return (
    <section aria-labelledby="notes-heading" className="mt-6">
      <div className="flex items-center justify-between gap-2 px-1">
        <h2
          id="notes-heading"
          className="text-xs font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-300"
        >
          {t('notes.heading')}
        </h2>
        <Link to="/app/notes/new" className={cx(button.secondary, 'px-2 py-1 text-xs')}>
          {t('notes.new')}
        </Link>
      </div>
      {notes.length === 0 ? <p className={cx(muted, 'mt-2 px-1 text-sm')}>{t('notes.empty')}</p> : null}
      <ul className="mt-2 space-y-0.5" data-testid="note-list">
        {notes.map((note) => (
          <li key={note.id}>
            <NavLink
              to={`/app/notes/${note.id}`}
              className={({ isActive }) =>
                cx(
                  'flex items-center justify-between gap-2 rounded-md px-2 py-1.5 text-sm hover:bg-slate-200 dark:hover:bg-slate-800',
                  isActive && 'bg-slate-200 font-medium dark:bg-slate-800',
                )
              }
            >
              <span className="truncate">
                {t('notes.listItem', { patientRef: note.patientRef, date: format.date(note.sessionDate) })}
              </span>
              <span className={cx(muted, 'shrink-0 text-xs')}>
                {note.status === 'signed' ? t('notes.signedBadge') : t('notes.draftBadge')}
              </span>
            </NavLink>
          </li>
        ))}
      </ul>
      {isAdmin ? (
        <Link
          to="/app/notes/templates"
          className="mt-2 block px-1 text-sm text-blue-700 underline dark:text-blue-300"
        >
          {t('notes.templatesLink')}
        </Link>
      ) : null}
    </section>
  )
}
