// Bridge: the note pages' loaders and actions (through the same procedures scripts call), the
// draft stream and the exports for their resource routes.
import type { AppLoadContext } from '@remix-run/node'
import { redirect } from '@remix-run/node'
import { TRPCError } from '@trpc/server'
import { de } from '#app/i18n/de.ts'
import { en } from '#app/i18n/en.ts'
import { formatters } from '#app/i18n/format.ts'
import { handleDraftRequest } from '#server/notes/handle-draft.ts'
import { noteDocx, noteMarkdown, notePdf, type ExportLabels } from '#server/services/notes/export.ts'
import { MAX_JOTTINGS_CHARS } from '#server/trpc/routers/notes.ts'
import { readForm } from './read-form.ts'
import { getCaller } from './trpc.server.ts'
import type { ActionResult } from './refusal.ts'
import { actionDone, actionRefused, unknownIntent } from './action.server.ts'
import { formText } from './settings-form.ts'

export function handleDraft(request: Request, context: AppLoadContext, noteId: string | undefined) {
  return handleDraftRequest(context.services, request, noteId, context.requestId, context.clientGone)
}

function notFound(error: unknown): never {
  // BAD_REQUEST: the id is not even a UUID, which is "not found" to the reader.
  if (error instanceof TRPCError && (error.code === 'NOT_FOUND' || error.code === 'BAD_REQUEST')) {
    throw Response.json({ code: 'note_not_found' }, { status: 404 })
  }
  throw error
}

export async function loadNewNote(request: Request, context: AppLoadContext) {
  const { caller } = await getCaller(request, context)
  const me = await caller.me.get()
  const locale = me.user.locale ?? me.clinic.defaultLocale
  const templates = await caller.notes.templates({ locale })
  return { templates, maxJottings: MAX_JOTTINGS_CHARS }
}

export type NewNoteActionResult = ActionResult

export async function createNoteFromForm(request: Request, context: AppLoadContext) {
  const { caller } = await getCaller(request, context)
  const form = await readForm(request)
  const text = (name: string) => formText(form, name)
  const intent = 'note.create'
  try {
    const note = await caller.notes.create({
      patientRef: text('patientRef'),
      sessionDate: text('sessionDate') || null,
      sessionKind: text('sessionKind') as 'first',
      durationMinutes: Number(text('durationMinutes')),
      jottings: text('jottings'),
      template: text('template') as 'soap',
    })
    return redirect(`/app/notes/${note.id}?draft=1`)
  } catch (error) {
    return actionRefused(intent, error, request)
  }
}

export async function loadNote(request: Request, context: AppLoadContext, noteId: string) {
  const { caller } = await getCaller(request, context)
  try {
    const [note, history, me] = await Promise.all([
      caller.notes.get({ noteId }),
      caller.notes.history({ noteId, limit: 200 }),
      caller.me.get(),
    ])
    const autoDraft = new URL(request.url).searchParams.get('draft') === '1'
    return { note, history, autoDraft, role: me.user.role }
  } catch (error) {
    notFound(error)
  }
}

export type NoteActionResult = ActionResult

export async function noteAction(request: Request, context: AppLoadContext, noteId: string) {
  const { caller } = await getCaller(request, context)
  const form = await readForm(request)
  const intent = formText(form, 'intent')
  const text = (name: string) => formText(form, name)
  try {
    switch (intent) {
      case 'sign':
        await caller.notes.sign({ noteId })
        break
      case 'delete':
        await caller.notes.delete({ noteId })
        return redirect('/app/notes/new')
      case 'amend':
        await caller.notes.amend({
          sectionId: text('sectionId'),
          content: text('content'),
          reason: text('reason'),
        })
        break
      default:
        return unknownIntent(intent)
    }
    return actionDone(intent)
  } catch (error) {
    return actionRefused(intent, error, request)
  }
}

const CATALOGS = { de, en }

/** `GET /app/notes/:noteId/export/(pdf|docx|md)`: the note as a file, worded in its language. */
export async function exportNote(request: Request, context: AppLoadContext, noteId: string, kind: string) {
  if (kind !== 'pdf' && kind !== 'docx' && kind !== 'md')
    throw Response.json({ code: 'not_found' }, { status: 404 })
  const { caller } = await getCaller(request, context)
  const [note, me] = await Promise.all([caller.notes.get({ noteId }).catch(notFound), caller.me.get()])
  const words = CATALOGS[note.locale].notes
  const format = formatters(note.locale, Date.now())
  const fill = (template: string, values: Record<string, string | number>) =>
    template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => String(values[key] ?? ''))
  const labels: ExportLabels = {
    title: words.export.title,
    clinic: words.export.clinic,
    patientRef: words.export.patientRef,
    sessionDate: words.export.sessionDate,
    sessionKind: words.export.sessionKind,
    duration: words.export.duration,
    template: words.export.template,
    signature: words.export.signature,
    notSigned: words.export.notSigned,
    amended: words.export.amended,
  }
  const file = {
    clinicName: me.clinic.name,
    patientRef: note.patientRef,
    sessionDate: format.date(note.sessionDate),
    sessionKind: words.kinds[note.sessionKind],
    duration: fill(words.export.minutes, { count: note.durationMinutes }),
    templateName: note.templateName,
    sections: note.sections.map((section) => ({ title: section.title, content: section.content })),
    signature:
      note.signedAt && note.signedBy
        ? fill(words.export.signature, {
            name: note.signedBy.name,
            when: format.dateTime(note.signedAt),
            hash: note.signedHash ?? '',
          })
        : null,
    amended: note.amendedAt ? fill(words.export.amended, { when: format.dateTime(note.amendedAt) }) : null,
  }
  const base = `note-${note.sessionDate}-${note.id.slice(0, 8)}`
  const headers = (type: string, ext: string) => ({
    'content-type': type,
    'content-disposition': `attachment; filename="${base}.${ext}"`,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  })
  if (kind === 'md')
    return new Response(noteMarkdown(file, labels), {
      headers: headers('text/markdown; charset=utf-8', 'md'),
    })
  if (kind === 'pdf')
    return new Response(new Uint8Array(await notePdf(file, labels)), {
      headers: headers('application/pdf', 'pdf'),
    })
  return new Response(new Uint8Array(await noteDocx(file, labels)), {
    headers: headers('application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'docx'),
  })
}

export async function loadTemplates(request: Request, context: AppLoadContext) {
  const { caller } = await getCaller(request, context)
  const me = await caller.me.get()
  const templates = await caller.notes.templates({ locale: me.user.locale ?? me.clinic.defaultLocale })
  return { templates: templates.filter((template) => !template.builtIn), isAdmin: me.user.role === 'admin' }
}

export type TemplateActionResult = ActionResult

export async function templatesAction(request: Request, context: AppLoadContext) {
  const { caller } = await getCaller(request, context)
  const form = await readForm(request)
  const intent = formText(form, 'intent')
  try {
    if (intent === 'delete') {
      await caller.admin.noteTemplates.delete({ templateId: String(form.get('templateId') ?? '') })
    } else {
      const keys = form.getAll('key').map(String)
      const titles = form.getAll('title').map(String)
      const instructions = form.getAll('instruction').map(String)
      const sections = titles
        .map((title, index) => ({
          key: keys[index] || slug(title) || `section_${index + 1}`,
          title,
          instruction: instructions[index] ?? '',
        }))
        .filter((section) => section.title.trim() !== '' || section.instruction.trim() !== '')
      await caller.admin.noteTemplates.create({ name: String(form.get('name') ?? ''), sections })
    }
    return actionDone(intent)
  } catch (error) {
    return actionRefused(intent, error, request)
  }
}

function slug(title: string): string {
  return title
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .replace(/^[^a-z]+/, '')
    .slice(0, 40)
}
