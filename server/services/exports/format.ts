// The export archive's machine-readable file, `clinai-export.json`: its schema, versioned.
// docs/export-format.md shows the JSON Schema generated from this one (a test keeps the
// two equal). A new field that readers may ignore keeps the version; a change that breaks
// a reader (a field removed, renamed or retyped) raises it.
import { z } from 'zod'

export const EXPORT_FORMAT = 'clinai-export'
export const EXPORT_FORMAT_VERSION = 2
export const EXPORT_JSON_NAME = 'clinai-export.json'

const isoTime = z.iso.datetime({ offset: true })

export const exportMessageSchema = z.object({
  id: z.uuid(),
  role: z.enum(['user', 'assistant']),
  content: z.string(),
  status: z.enum(['streaming', 'complete', 'stopped', 'error']),
  errorCode: z.string().nullable(),
  model: z.string().nullable(),
  promptTokens: z.number().int().nullable(),
  completionTokens: z.number().int().nullable(),
  createdAt: isoTime,
  completedAt: isoTime.nullable(),
})

export const exportConversationSchema = z.object({
  id: z.uuid(),
  title: z.string(),
  folderId: z.uuid().nullable(),
  createdAt: isoTime,
  lastMessageAt: isoTime,
  /** The Markdown rendering of this conversation inside the archive. */
  markdownFile: z.string(),
  messages: z.array(exportMessageSchema),
})

const isoDate = z.iso.date()

export const exportNoteSectionSchema = z.object({
  id: z.uuid(),
  key: z.string(),
  title: z.string(),
  content: z.string(),
  /** `idle`: never drafted; the others as for messages. */
  status: z.enum(['idle', 'streaming', 'complete', 'stopped', 'error']),
  errorCode: z.string().nullable(),
  /** Rises with every stored change; `versions` holds each of them. */
  version: z.number().int(),
})

export const exportNoteVersionSchema = z.object({
  id: z.uuid(),
  /** Null for the signature, which covers the whole note. */
  sectionId: z.uuid().nullable(),
  kind: z.enum(['generated', 'edit', 'signed', 'amendment']),
  version: z.number().int(),
  content: z.string(),
  /** Why, for an amendment. */
  reason: z.string().nullable(),
  /** sha256 (hex) of the whole note's canonical content after a signature or an amendment. */
  contentHash: z.string().nullable(),
  authorUserId: z.uuid(),
  createdAt: isoTime,
})

export const exportNoteSchema = z.object({
  id: z.uuid(),
  /** The pseudonym, initials or case number the clinician entered; never required to be a name. */
  patientRef: z.string(),
  sessionDate: isoDate,
  sessionKind: z.enum(['first', 'follow_up', 'crisis', 'group']),
  durationMinutes: z.number().int(),
  jottings: z.string(),
  templateKey: z.string(),
  templateName: z.string(),
  locale: z.enum(['de', 'en']),
  status: z.enum(['draft', 'signed']),
  signedAt: isoTime.nullable(),
  signedByUserId: z.uuid().nullable(),
  signedHash: z.string().nullable(),
  amendedAt: isoTime.nullable(),
  /** A signed note is kept at least until this date (section 630f BGB). */
  retainUntil: isoDate.nullable(),
  /** Set when its author was erased: hidden from everyone, kept until `retainUntil`. Only a clinic's archive holds such notes. */
  restrictedAt: isoTime.nullable(),
  createdAt: isoTime,
  updatedAt: isoTime,
  /** The Markdown rendering of this note inside the archive. */
  markdownFile: z.string(),
  sections: z.array(exportNoteSectionSchema),
  /** Every stored change, oldest first: drafts, edits, the signature and amendments. */
  versions: z.array(exportNoteVersionSchema),
})

export const exportDocumentSchema = z.object({
  format: z.literal(EXPORT_FORMAT),
  version: z.literal(EXPORT_FORMAT_VERSION),
  exportedAt: isoTime,
  /** A person's own export, or a whole clinic's (offboarding, by the operator). */
  scope: z.enum(['person', 'clinic']),
  clinic: z.object({ id: z.uuid(), name: z.string(), slug: z.string() }),
  people: z.array(
    z.object({
      id: z.uuid(),
      name: z.string(),
      email: z.string(),
      role: z.enum(['therapist', 'admin']),
      status: z.enum(['active', 'disabled']),
      createdAt: isoTime,
      folders: z.array(z.object({ id: z.uuid(), name: z.string(), createdAt: isoTime })),
      conversations: z.array(exportConversationSchema),
      /** Consultation notes, drafts and signed ones, oldest first (new in version 2). */
      notes: z.array(exportNoteSchema),
    }),
  ),
})

export type ExportDocument = z.infer<typeof exportDocumentSchema>
export type ExportPerson = ExportDocument['people'][number]
export type ExportConversation = ExportPerson['conversations'][number]
export type ExportNote = ExportPerson['notes'][number]

/** The JSON Schema shown in docs/export-format.md. */
export function exportJsonSchema() {
  return z.toJSONSchema(exportDocumentSchema, { target: 'draft-2020-12' })
}
