// The export archive's machine-readable file, `clinai-export.json`: its schema, versioned.
// docs/export-format.md shows the JSON Schema generated from this one (a test keeps the
// two equal). A new field that readers may ignore keeps the version; a change that breaks
// a reader (a field removed, renamed or retyped) raises it.
import { z } from 'zod'

export const EXPORT_FORMAT = 'clinai-export'
export const EXPORT_FORMAT_VERSION = 1
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
      /** Reserved for signed consultation notes; always empty in version 1. */
      notes: z.array(z.never()),
    }),
  ),
})

export type ExportDocument = z.infer<typeof exportDocumentSchema>
export type ExportPerson = ExportDocument['people'][number]
export type ExportConversation = ExportPerson['conversations'][number]

/** The JSON Schema shown in docs/export-format.md. */
export function exportJsonSchema() {
  return z.toJSONSchema(exportDocumentSchema, { target: 'draft-2020-12' })
}
