import { z } from 'zod'
import {
  amendSection,
  createNote,
  deleteNote,
  getNote,
  listNotes,
  NoteError,
  noteHistory,
  searchNotes,
  signNote,
  updateSection,
} from '#server/services/notes/notes.ts'
import { BUILT_IN_TEMPLATE_KEYS, listTemplates } from '#server/services/notes/templates.ts'
import { modelViews } from '#server/services/pseudonymise/store.ts'
import { router, tenantProcedure } from '../init.ts'
import { apiError } from '../errors.ts'

/** Longest jottings and section text accepted, in characters. */
export const MAX_JOTTINGS_CHARS = 20_000
export const MAX_SECTION_CHARS = 20_000

// Tabs and line breaks are text; other control characters are refused.
const text = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^(?:[^\p{Cc}]|[\t\n\r])*$/u, 'control_characters')
const line = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'required')
    .max(max)
    .regex(/^[^\p{Cc}]*$/u, 'control_characters')

const noteId = z.uuid()
const sectionId = z.uuid()

async function refusing<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (error) {
    if (error instanceof NoteError) throw apiError(error.code)
    throw error
  }
}

function found<T>(value: T | null): T {
  // "Not yours" and "does not exist" are one answer, so no id's existence leaks.
  if (value === null) throw apiError('note_not_found')
  return value
}

export const noteForm = z.object({
  /** A pseudonym, initials or the practice's case number. Do not enter full names. */
  patientRef: line(80),
  /** ISO date (`2026-03-02`); null or left out: today. */
  sessionDate: z.iso.date().nullable().default(null),
  sessionKind: z.enum(['first', 'follow_up', 'crisis', 'group']),
  durationMinutes: z.number().int().min(1).max(600),
  jottings: text(MAX_JOTTINGS_CHARS).refine((value) => value.trim().length > 0, 'required'),
  /** `soap`, `dap`, `birp`, `girp` or a clinic template's id (see `notes.templates`). */
  template: z.union([z.enum(BUILT_IN_TEMPLATE_KEYS), z.uuid()]),
  /** The language of the draft and the patient letter; left out: the caller's. */
  locale: z.enum(['de', 'en']).optional(),
})

export const notesRouter = router({
  /** The templates a note can be made with: the four built-ins, then the clinic's own. */
  templates: tenantProcedure
    .input(z.object({ locale: z.enum(['de', 'en']).default('en') }).prefault({}))
    .query(({ ctx, input }) => listTemplates(ctx.tx, ctx.identity, input.locale)),

  /** The caller's notes, most recently changed first. */
  list: tenantProcedure
    .input(
      z
        .object({
          limit: z.number().int().min(1).max(100).default(30),
          offset: z.number().int().min(0).max(10_000).default(0),
        })
        .prefault({}),
    )
    .query(({ ctx, input }) => listNotes(ctx.tx, ctx.identity, input)),

  /**
   * The caller's notes matching a query in the patient reference, the jottings or the sections
   * (German and English word forms, or the text inside a longer word), best match first.
   */
  search: tenantProcedure
    .input(
      z.object({
        query: z
          .string()
          .trim()
          .min(1, 'required')
          .max(200)
          .regex(/^(?:[^\p{Cc}]|[\t\n\r])*$/u, 'control_characters'),
        limit: z.number().int().min(1).max(50).default(10),
      }),
    )
    .query(({ ctx, input }) => searchNotes(ctx.tx, ctx.identity, input)),

  /**
   * A note with its form, sections (status, text, version) and, once signed, signer, time, hash and
   * `integrity` (`valid` while the content matches its signature and amendments, else `altered`).
   */
  get: tenantProcedure
    .input(z.object({ noteId }))
    .query(async ({ ctx, input }) => found(await getNote(ctx.tx, ctx.identity, input))),

  /**
   * What the model saw: each section's latest prompt exactly as it was sent (`key` is the section's
   * id), with the note's placeholders where the patient details and the patient reference were,
   * and whether it was pseudonymised. The caller's own notes only.
   */
  modelView: tenantProcedure.input(z.object({ noteId })).query(async ({ ctx, input }) => ({
    views: found(
      await modelViews(ctx.tx, ctx.identity, ctx.services.pseudonymSealer, {
        kind: 'note',
        id: input.noteId,
      }),
    ),
  })),

  /** Every stored change of the note, newest first: who, what (kind, section, text, reason), when. */
  history: tenantProcedure
    .input(z.object({ noteId, limit: z.number().int().min(1).max(500).default(200) }))
    .query(async ({ ctx, input }) => found(await noteHistory(ctx.tx, ctx.identity, input))),

  /**
   * Creates a note from the form: stores the jottings and one empty section per template section
   * (then "next steps" and a letter to the patient). Draft it with `POST /api/notes/:noteId/draft`.
   */
  create: tenantProcedure
    .input(noteForm)
    .mutation(({ ctx, input }) => refusing(() => createNote(ctx.tx, ctx.identity, input))),

  /**
   * Saves a section's text (the editor's autosave); each save is a new version. With `baseVersion`
   * a save made from an older version answers `edit_conflict`. A signed note answers `note_signed`.
   */
  updateSection: tenantProcedure
    .input(
      z.object({
        sectionId,
        content: text(MAX_SECTION_CHARS),
        baseVersion: z.number().int().min(0).max(1_000_000).optional(),
      }),
    )
    .mutation(({ ctx, input }) => refusing(() => updateSection(ctx.tx, ctx.identity, input))),

  /** Deletes a draft with its sections and history. A signed note is a patient record: `note_signed`. */
  delete: tenantProcedure
    .input(z.object({ noteId }))
    .mutation(({ ctx, input }) => refusing(() => deleteNote(ctx.tx, ctx.identity, input))),

  /**
   * Signs the note: stamps signer, time and the sha256 of its content, locks it (no edit, no
   * delete; kept for the clinic's retention period, ten years by default) and audits it.
   */
  sign: tenantProcedure
    .input(z.object({ noteId }))
    .mutation(({ ctx, input }) =>
      refusing(() => signNote(ctx.tx, ctx.identity, input, { requestId: ctx.requestId })),
    ),

  /**
   * Corrects a section of a signed note: a new version with the reason, the signed one kept. A
   * note not yet signed answers `note_not_signed` (edit it with `updateSection`).
   */
  amend: tenantProcedure
    .input(z.object({ sectionId, content: text(MAX_SECTION_CHARS), reason: line(500) }))
    .mutation(({ ctx, input }) =>
      refusing(() => amendSection(ctx.tx, ctx.identity, input, { requestId: ctx.requestId })),
    ),
})
