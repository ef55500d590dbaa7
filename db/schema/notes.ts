// Consultation notes: a session's form and jottings, drafted by the model section by
// section, edited with every save kept as a version, signed and then locked (legal hold,
// section 630f BGB). Owner-only like conversations; the hold is enforced by triggers too
// (migration 0016), not only by the services.
import { sql } from 'drizzle-orm'
import {
  boolean,
  check,
  date,
  foreignKey,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core'
import { locale, tenantKey, timestamps } from './columns.ts'
import { ownerOnly, tenantIsolation } from './rls.ts'
import { users } from './users.ts'

export const sessionKind = pgEnum('session_kind', ['first', 'follow_up', 'crisis', 'group'])
/** `idle`: not drafted yet. The others are a generation's states, as for chat answers. */
export const noteSectionStatus = pgEnum('note_section_status', [
  'idle',
  'streaming',
  'complete',
  'stopped',
  'error',
])
export const noteVersionKind = pgEnum('note_version_kind', ['generated', 'edit', 'signed', 'amendment'])

/** One section of a template: what the model writes there. Copied into the note at creation. */
export interface TemplateSection {
  key: string
  title: string
  instruction: string
}

export const notes = pgTable(
  'notes',
  {
    ...tenantKey,
    ownerUserId: uuid('owner_user_id').notNull(),
    /** A pseudonym, initials or the practice's case number; never required to be a name. */
    patientRef: text('patient_ref').notNull(),
    sessionDate: date('session_date', { mode: 'string' }).notNull(),
    sessionKind: sessionKind('session_kind').notNull(),
    durationMinutes: integer('duration_minutes').notNull(),
    jottings: text('jottings').notNull(),
    /** `soap`, `dap`, `birp`, `girp` or a clinic template's id, and its name when chosen. */
    templateKey: text('template_key').notNull(),
    templateName: text('template_name').notNull(),
    /** The language of the draft and the patient letter (the clinician's at creation). */
    locale: locale('locale').notNull(),
    signedAt: timestamp('signed_at', { withTimezone: true, mode: 'date' }),
    signedByUserId: uuid('signed_by_user_id'),
    /** sha256 (hex) of the canonical content at signing (server/services/notes/canonical.ts). */
    signedHash: text('signed_hash'),
    amendedAt: timestamp('amended_at', { withTimezone: true, mode: 'date' }),
    /** Kept at least until then once signed (the clinic's period after signing). */
    retainUntil: date('retain_until', { mode: 'string' }),
    /** Set by erasure of the author: hidden from everyone, kept until retainUntil. */
    restrictedAt: timestamp('restricted_at', { withTimezone: true, mode: 'date' }),
    ...timestamps,
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({
      columns: [t.tenantId, t.ownerUserId],
      foreignColumns: [users.tenantId, users.id],
      name: 'notes_owner_fk',
    }),
    index('notes_tenant_owner_recent_idx').on(t.tenantId, t.ownerUserId, t.updatedAt.desc(), t.id),
    check('notes_duration_range', sql`${t.durationMinutes} between 1 and 600`),
    check(
      'notes_signed_whole',
      sql`(${t.signedAt} is null) = (${t.signedHash} is null) and (${t.signedAt} is null) = (${t.signedByUserId} is null)`,
    ),
    tenantIsolation(t.tenantId),
    ownerOnly(t.ownerUserId),
  ],
)

export const noteSections = pgTable(
  'note_sections',
  {
    ...tenantKey,
    noteId: uuid('note_id').notNull(),
    ownerUserId: uuid('owner_user_id').notNull(),
    position: integer('position').notNull(),
    key: text('key').notNull(),
    title: text('title').notNull(),
    instruction: text('instruction').notNull(),
    content: text('content').notNull().default(''),
    status: noteSectionStatus('status').notNull().default('idle'),
    errorCode: text('error_code'),
    /** Rises with every stored change; the latest note_versions row of the section has it. */
    version: integer('version').notNull().default(0),
    model: text('model'),
    promptTokens: integer('prompt_tokens'),
    completionTokens: integer('completion_tokens'),
    usageEstimated: boolean('usage_estimated').notNull().default(false),
    ...timestamps,
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({
      columns: [t.tenantId, t.noteId],
      foreignColumns: [notes.tenantId, notes.id],
      name: 'note_sections_note_fk',
    }).onDelete('cascade'),
    foreignKey({
      columns: [t.tenantId, t.ownerUserId],
      foreignColumns: [users.tenantId, users.id],
      name: 'note_sections_owner_fk',
    }),
    uniqueIndex('note_sections_note_key').on(t.tenantId, t.noteId, t.key),
    index('note_sections_tenant_streaming_idx')
      .on(t.tenantId, t.status)
      .where(sql`${t.status} = 'streaming'`),
    tenantIsolation(t.tenantId),
    ownerOnly(t.ownerUserId),
  ],
)

/** Every stored change of a section, and the signature and amendments of the note as a whole. */
export const noteVersions = pgTable(
  'note_versions',
  {
    ...tenantKey,
    noteId: uuid('note_id').notNull(),
    /** Null for `signed` (the whole note). */
    sectionId: uuid('section_id'),
    ownerUserId: uuid('owner_user_id').notNull(),
    /** Who made this change (the owner today; kept apart so the history says who). */
    authorUserId: uuid('author_user_id').notNull(),
    kind: noteVersionKind('kind').notNull(),
    version: integer('version').notNull(),
    content: text('content').notNull(),
    /** Why, for an amendment. */
    reason: text('reason'),
    /** sha256 of the whole note's canonical content after this change (signed and amendments). */
    contentHash: text('content_hash'),
    ...timestamps,
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({
      columns: [t.tenantId, t.noteId],
      foreignColumns: [notes.tenantId, notes.id],
      name: 'note_versions_note_fk',
    }).onDelete('cascade'),
    foreignKey({
      columns: [t.tenantId, t.sectionId],
      foreignColumns: [noteSections.tenantId, noteSections.id],
      name: 'note_versions_section_fk',
    }).onDelete('cascade'),
    foreignKey({
      columns: [t.tenantId, t.ownerUserId],
      foreignColumns: [users.tenantId, users.id],
      name: 'note_versions_owner_fk',
    }),
    index('note_versions_note_idx').on(t.tenantId, t.noteId, t.createdAt),
    index('note_versions_section_idx').on(t.tenantId, t.sectionId),
    check('note_versions_amendment_reason', sql`${t.kind} <> 'amendment' or ${t.reason} is not null`),
    tenantIsolation(t.tenantId),
    ownerOnly(t.ownerUserId),
  ],
)

/** A clinic's own templates, defined by its admins; the built-ins live in code. */
export const noteTemplates = pgTable(
  'note_templates',
  {
    ...tenantKey,
    name: text('name').notNull(),
    sections: jsonb('sections').$type<TemplateSection[]>().notNull(),
    /** The admin who defined it (the audit trail says who changed it later). */
    actorUserId: uuid('actor_user_id'),
    ...timestamps,
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({
      columns: [t.tenantId, t.actorUserId],
      foreignColumns: [users.tenantId, users.id],
      name: 'note_templates_actor_fk',
    }),
    index('note_templates_tenant_name_idx').on(t.tenantId, t.name),
    tenantIsolation(t.tenantId),
  ],
)
