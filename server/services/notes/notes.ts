// A clinician's consultation notes: created from the form (jottings stored before any model
// call), listed, opened, edited section by section (every save a version), signed (stamped
// with signer, time and a hash of the content, then locked) and amended with a reason.
// Signed notes are patient records (section 630f BGB): never deleted here; the database's
// triggers (migration 0016) hold the same line.
import { and, asc, desc, eq, inArray, isNull, sql } from 'drizzle-orm'
import type { Tx } from '#db/client.ts'
import { notes, noteSections, noteVersions, tenants, users } from '#db/schema/index.ts'
import type { ApiErrorCode } from '#server/contract/codes.ts'
import { recordAuditEvent } from '#server/services/audit/record.ts'
import type { Caller } from '#server/services/caller.ts'
import { canonicalContent, contentHash, sha256 } from './canonical.ts'
import { resolveTemplate, type NoteLocale } from './templates.ts'

export type SessionKind = 'first' | 'follow_up' | 'crisis' | 'group'
export type SectionStatus = 'idle' | 'streaming' | 'complete' | 'stopped' | 'error'

/** A refusal with a code of the contract; the router maps it once. */
export class NoteError extends Error {
  constructor(
    readonly code: Extract<
      ApiErrorCode,
      | 'note_not_found'
      | 'template_not_found'
      | 'note_signed'
      | 'note_not_signed'
      | 'note_busy'
      | 'edit_conflict'
    >,
  ) {
    super(code)
    this.name = 'NoteError'
  }
}

export interface NoteSummary {
  id: string
  patientRef: string
  sessionDate: string
  sessionKind: SessionKind
  templateName: string
  status: 'draft' | 'signed'
  signedAt: string | null
  amendedAt: string | null
  createdAt: string
  updatedAt: string
}

export interface NoteSectionView {
  id: string
  key: string
  title: string
  position: number
  content: string
  status: SectionStatus
  errorCode: string | null
  version: number
  updatedAt: string
}

export interface NoteView extends NoteSummary {
  durationMinutes: number
  jottings: string
  templateKey: string
  locale: NoteLocale
  signedBy: { userId: string; name: string } | null
  signedHash: string | null
  retainUntil: string | null
  /** The clinic's retention period for signed notes, in years. */
  retentionYears: number
  /** For a signed note: does the content still match its signature (and amendments)? */
  integrity: 'valid' | 'altered' | null
  sections: NoteSectionView[]
}

export interface NoteVersionView {
  id: string
  sectionId: string | null
  sectionTitle: string | null
  kind: 'generated' | 'edit' | 'signed' | 'amendment'
  version: number
  content: string
  reason: string | null
  contentHash: string | null
  author: { userId: string; name: string }
  createdAt: string
}

/** The owner's note with this id, unless erasure restricted it (hidden from everyone). */
export const ownNote = (owner: Caller, noteId: string) =>
  and(
    eq(notes.tenantId, owner.tenantId),
    eq(notes.ownerUserId, owner.userId),
    eq(notes.id, noteId),
    isNull(notes.restrictedAt),
  )

const visibleNotes = (owner: Caller) =>
  and(eq(notes.tenantId, owner.tenantId), eq(notes.ownerUserId, owner.userId), isNull(notes.restrictedAt))

export interface NoteForm {
  patientRef: string
  /** ISO date; null: today (Europe/Berlin). */
  sessionDate: string | null
  sessionKind: SessionKind
  durationMinutes: number
  jottings: string
  /** `soap`, `dap`, `birp`, `girp` or a clinic template's id. */
  template: string
  /** Undefined: the person's language, else the clinic's default. */
  locale?: NoteLocale
}

async function languageOf(tx: Tx, owner: Caller): Promise<NoteLocale> {
  const [row] = await tx
    .select({ mine: users.locale, clinic: tenants.defaultLocale })
    .from(users)
    .innerJoin(tenants, eq(tenants.id, users.tenantId))
    .where(and(eq(users.tenantId, owner.tenantId), eq(users.id, owner.userId)))
  return row?.mine ?? row?.clinic ?? 'en'
}

/** Stores the form and one idle section per template section; drafting is the stream's. */
export async function createNote(tx: Tx, owner: Caller, form: NoteForm): Promise<NoteView> {
  const locale = form.locale ?? (await languageOf(tx, owner))
  const template = await resolveTemplate(tx, owner, form.template, locale)
  if (!template) throw new NoteError('template_not_found')
  const [note] = await tx
    .insert(notes)
    .values({
      tenantId: owner.tenantId,
      ownerUserId: owner.userId,
      patientRef: form.patientRef,
      sessionDate: form.sessionDate ?? sql`(now() at time zone 'Europe/Berlin')::date`,
      sessionKind: form.sessionKind,
      durationMinutes: form.durationMinutes,
      jottings: form.jottings,
      templateKey: template.key,
      templateName: template.name,
      locale,
    })
    .returning({ id: notes.id })
  await tx.insert(noteSections).values(
    template.sections.map((section, position) => ({
      tenantId: owner.tenantId,
      noteId: note!.id,
      ownerUserId: owner.userId,
      position,
      key: section.key,
      title: section.title,
      instruction: section.instruction,
    })),
  )
  return (await getNote(tx, owner, { noteId: note!.id }))!
}

/** Most recently changed first. */
export async function listNotes(
  tx: Tx,
  owner: Caller,
  input: { limit: number; offset: number },
): Promise<{ items: NoteSummary[]; hasMore: boolean }> {
  const rows = await tx
    .select()
    .from(notes)
    .where(visibleNotes(owner))
    .orderBy(desc(notes.updatedAt), asc(notes.id))
    .limit(input.limit + 1)
    .offset(input.offset)
  return { items: rows.slice(0, input.limit).map(toSummary), hasMore: rows.length > input.limit }
}

export async function getNote(tx: Tx, owner: Caller, input: { noteId: string }): Promise<NoteView | null> {
  const [row] = await tx.select().from(notes).where(ownNote(owner, input.noteId))
  if (!row) return null
  const sections = await sectionsOf(tx, owner, row.id)
  let signedBy: NoteView['signedBy'] = null
  let integrity: NoteView['integrity'] = null
  if (row.signedAt && row.signedByUserId) {
    const [signer] = await tx
      .select({ name: users.name })
      .from(users)
      .where(and(eq(users.tenantId, owner.tenantId), eq(users.id, row.signedByUserId)))
    signedBy = { userId: row.signedByUserId, name: signer?.name ?? '' }
    integrity = (await verifyNote(tx, owner, row, sections)) ? 'valid' : 'altered'
  }
  const [clinic] = await tx
    .select({ years: tenants.noteRetentionYears })
    .from(tenants)
    .where(eq(tenants.id, owner.tenantId))
  return {
    ...toSummary(row),
    retentionYears: clinic?.years ?? 10,
    durationMinutes: row.durationMinutes,
    jottings: row.jottings,
    templateKey: row.templateKey,
    locale: row.locale,
    signedBy,
    signedHash: row.signedHash,
    retainUntil: row.retainUntil,
    integrity,
    sections,
  }
}

/**
 * The signature holds when the stored signed snapshot still hashes to the note's signed hash,
 * and the current content hashes to the newest of the signature and the amendments.
 */
async function verifyNote(
  tx: Tx,
  owner: Caller,
  note: typeof notes.$inferSelect,
  sections: NoteSectionView[],
): Promise<boolean> {
  const stamps = await tx
    .select({ kind: noteVersions.kind, content: noteVersions.content, hash: noteVersions.contentHash })
    .from(noteVersions)
    .where(
      and(
        eq(noteVersions.tenantId, owner.tenantId),
        eq(noteVersions.noteId, note.id),
        inArray(noteVersions.kind, ['signed', 'amendment']),
      ),
    )
    .orderBy(desc(noteVersions.createdAt), desc(noteVersions.version))
  const signed = stamps.find((stamp) => stamp.kind === 'signed')
  if (!signed || !note.signedHash) return false
  if (sha256(signed.content) !== note.signedHash) return false
  const current = contentHash(canonicalOf(note, sections))
  return current === stamps[0]!.hash
}

export function canonicalOf(
  note: Pick<
    typeof notes.$inferSelect,
    'patientRef' | 'sessionDate' | 'sessionKind' | 'durationMinutes' | 'templateName'
  >,
  sections: Array<{ key: string; title: string; content: string }>,
) {
  return {
    patientRef: note.patientRef,
    sessionDate: note.sessionDate,
    sessionKind: note.sessionKind,
    durationMinutes: note.durationMinutes,
    templateName: note.templateName,
    sections: sections.map((section) => ({
      key: section.key,
      title: section.title,
      content: section.content,
    })),
  }
}

async function sectionsOf(tx: Tx, owner: Caller, noteId: string): Promise<NoteSectionView[]> {
  const rows = await tx
    .select()
    .from(noteSections)
    .where(
      and(
        eq(noteSections.tenantId, owner.tenantId),
        eq(noteSections.ownerUserId, owner.userId),
        eq(noteSections.noteId, noteId),
      ),
    )
    .orderBy(asc(noteSections.position), asc(noteSections.id))
  return rows.map((row) => ({
    id: row.id,
    key: row.key,
    title: row.title,
    position: row.position,
    content: row.content,
    status: row.status,
    errorCode: row.errorCode,
    version: row.version,
    updatedAt: row.updatedAt.toISOString(),
  }))
}

/**
 * The owner's notes whose patient reference, jottings or sections match: German and English word
 * forms (full text), or the words as typed inside a longer word. Row-level security keeps it to the
 * caller's own notes; a person has few enough that no index is needed.
 */
export async function searchNotes(
  tx: Tx,
  owner: Caller,
  input: { query: string; limit: number },
): Promise<NoteSummary[]> {
  const like = `%${input.query.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`
  const text = sql`${notes.patientRef} || ' ' || ${notes.jottings} || ' ' || coalesce((select string_agg(s.content, ' ') from note_sections s where s.tenant_id = ${notes.tenantId} and s.note_id = ${notes.id}), '')`
  const doc = sql`(to_tsvector('german'::regconfig, ${text}) || to_tsvector('english'::regconfig, ${text}))`
  const query = sql`(websearch_to_tsquery('german'::regconfig, ${input.query}) || websearch_to_tsquery('english'::regconfig, ${input.query}))`
  const rows = await tx
    .select()
    .from(notes)
    .where(and(visibleNotes(owner), sql`(${doc} @@ ${query} or ${text} ilike ${like})`))
    .orderBy(sql`ts_rank(${doc}, ${query}) desc`, desc(notes.updatedAt), asc(notes.id))
    .limit(input.limit)
  return rows.map(toSummary)
}

/** Every stored change, newest first, with who made it. */
export async function noteHistory(
  tx: Tx,
  owner: Caller,
  input: { noteId: string; limit: number },
): Promise<NoteVersionView[] | null> {
  const [note] = await tx.select({ id: notes.id }).from(notes).where(ownNote(owner, input.noteId))
  if (!note) return null
  const rows = await tx
    .select({
      version: noteVersions,
      sectionTitle: noteSections.title,
      authorName: users.name,
    })
    .from(noteVersions)
    .leftJoin(
      noteSections,
      and(eq(noteSections.tenantId, noteVersions.tenantId), eq(noteSections.id, noteVersions.sectionId)),
    )
    .leftJoin(users, and(eq(users.tenantId, noteVersions.tenantId), eq(users.id, noteVersions.authorUserId)))
    .where(
      and(
        eq(noteVersions.tenantId, owner.tenantId),
        eq(noteVersions.ownerUserId, owner.userId),
        eq(noteVersions.noteId, note.id),
      ),
    )
    .orderBy(desc(noteVersions.createdAt), desc(noteVersions.version), desc(noteVersions.id))
    .limit(input.limit)
  return rows.map(({ version, sectionTitle, authorName }) => ({
    id: version.id,
    sectionId: version.sectionId,
    sectionTitle: sectionTitle ?? null,
    kind: version.kind,
    version: version.version,
    content: version.content,
    reason: version.reason,
    contentHash: version.contentHash,
    author: { userId: version.authorUserId, name: authorName ?? '' },
    createdAt: version.createdAt.toISOString(),
  }))
}

/** The owner's section with its note, locked for the change; NoteError when it is not theirs. */
async function lockSection(tx: Tx, owner: Caller, sectionId: string) {
  const [row] = await tx
    .select({ section: noteSections, note: notes })
    .from(noteSections)
    .innerJoin(notes, and(eq(notes.tenantId, noteSections.tenantId), eq(notes.id, noteSections.noteId)))
    .where(
      and(
        eq(noteSections.tenantId, owner.tenantId),
        eq(noteSections.ownerUserId, owner.userId),
        eq(noteSections.id, sectionId),
        isNull(notes.restrictedAt),
      ),
    )
    .for('update')
  if (!row) throw new NoteError('note_not_found')
  return row
}

/**
 * The autosave: stores the section's text as a new version. `baseVersion`, when given, must be
 * the version the editor started from, so two tabs never overwrite each other silently.
 */
export async function updateSection(
  tx: Tx,
  owner: Caller,
  input: { sectionId: string; content: string; baseVersion?: number },
): Promise<NoteSectionView> {
  const { section, note } = await lockSection(tx, owner, input.sectionId)
  if (note.signedAt) throw new NoteError('note_signed')
  if (section.status === 'streaming') throw new NoteError('note_busy')
  if (input.baseVersion !== undefined && input.baseVersion !== section.version)
    throw new NoteError('edit_conflict')
  if (section.content === input.content)
    return (await sectionsOf(tx, owner, note.id)).find((s) => s.id === section.id)!
  const version = section.version + 1
  await tx.insert(noteVersions).values({
    tenantId: owner.tenantId,
    noteId: note.id,
    sectionId: section.id,
    ownerUserId: owner.userId,
    authorUserId: owner.userId,
    kind: 'edit',
    version,
    content: input.content,
  })
  await tx
    .update(noteSections)
    .set({ content: input.content, version, status: section.status === 'idle' ? 'complete' : section.status })
    .where(and(eq(noteSections.tenantId, owner.tenantId), eq(noteSections.id, section.id)))
  await touch(tx, owner, note.id)
  return (await sectionsOf(tx, owner, note.id)).find((s) => s.id === section.id)!
}

async function touch(tx: Tx, owner: Caller, noteId: string) {
  await tx
    .update(notes)
    .set({ updatedAt: sql`now()` })
    .where(ownNote(owner, noteId))
}

/** A draft goes with its sections and versions; a signed note is refused (and the database refuses too). */
export async function deleteNote(tx: Tx, owner: Caller, input: { noteId: string }): Promise<{ id: string }> {
  const [note] = await tx.select().from(notes).where(ownNote(owner, input.noteId)).for('update')
  if (!note) throw new NoteError('note_not_found')
  if (note.signedAt) throw new NoteError('note_signed')
  await tx.delete(notes).where(ownNote(owner, note.id))
  return { id: note.id }
}

/**
 * Signs the note: stamps signer, time and the sha256 of its canonical content, keeps that content
 * as the `signed` version, sets how long it is kept (the clinic's period from today) and audits it.
 */
export async function signNote(
  tx: Tx,
  owner: Caller,
  input: { noteId: string },
  meta: { requestId?: string },
): Promise<NoteView> {
  const [note] = await tx.select().from(notes).where(ownNote(owner, input.noteId)).for('update')
  if (!note) throw new NoteError('note_not_found')
  if (note.signedAt) throw new NoteError('note_signed')
  const sections = await sectionsOf(tx, owner, note.id)
  if (sections.some((section) => section.status === 'streaming')) throw new NoteError('note_busy')
  const canonical = canonicalContent(canonicalOf(note, sections))
  const hash = contentHash(canonicalOf(note, sections))
  const [clinic] = await tx
    .select({ years: tenants.noteRetentionYears })
    .from(tenants)
    .where(eq(tenants.id, owner.tenantId))
  const years = clinic?.years ?? 10
  await tx
    .update(notes)
    .set({
      signedAt: sql`now()`,
      signedByUserId: owner.userId,
      signedHash: hash,
      retainUntil: sql`((now() at time zone 'Europe/Berlin')::date + make_interval(years => ${years}))::date`,
    })
    .where(ownNote(owner, note.id))
  await tx.insert(noteVersions).values({
    tenantId: owner.tenantId,
    noteId: note.id,
    ownerUserId: owner.userId,
    authorUserId: owner.userId,
    kind: 'signed',
    version: 1,
    content: canonical,
    contentHash: hash,
  })
  await recordAuditEvent(tx, {
    tenantId: owner.tenantId,
    actorUserId: owner.userId,
    action: 'note.signed',
    targetType: 'note',
    targetId: note.id,
    requestId: meta.requestId,
    details: { contentHash: hash },
  })
  return (await getNote(tx, owner, { noteId: note.id }))!
}

/**
 * A correction after sign-off: the section's new text as an `amendment` version with its reason
 * and the hash of the whole note after it. The signed version stays as it was.
 */
export async function amendSection(
  tx: Tx,
  owner: Caller,
  input: { sectionId: string; content: string; reason: string },
  meta: { requestId?: string },
): Promise<NoteView> {
  const { section, note } = await lockSection(tx, owner, input.sectionId)
  if (!note.signedAt) throw new NoteError('note_not_signed')
  const sections = await sectionsOf(tx, owner, note.id)
  const after = sections.map((s) => (s.id === section.id ? { ...s, content: input.content } : s))
  const hash = contentHash(canonicalOf(note, after))
  const version = section.version + 1
  // The version row first: the database lets a signed section change only to an amendment it knows.
  await tx.insert(noteVersions).values({
    tenantId: owner.tenantId,
    noteId: note.id,
    sectionId: section.id,
    ownerUserId: owner.userId,
    authorUserId: owner.userId,
    kind: 'amendment',
    version,
    content: input.content,
    reason: input.reason,
    contentHash: hash,
  })
  await tx
    .update(noteSections)
    .set({ content: input.content, version })
    .where(and(eq(noteSections.tenantId, owner.tenantId), eq(noteSections.id, section.id)))
  await tx
    .update(notes)
    .set({ amendedAt: sql`now()` })
    .where(ownNote(owner, note.id))
  await recordAuditEvent(tx, {
    tenantId: owner.tenantId,
    actorUserId: owner.userId,
    action: 'note.amended',
    targetType: 'note',
    targetId: note.id,
    requestId: meta.requestId,
    details: { sectionId: section.id, version, contentHash: hash },
  })
  return (await getNote(tx, owner, { noteId: note.id }))!
}

/**
 * The person's notes with sections and history, for their data export (GDPR Art. 15/20).
 * Restricted notes are left out: they are hidden from everyone, the author too.
 */
export async function listNotesForExport(tx: Tx, owner: Caller) {
  const rows = await tx
    .select({ id: notes.id })
    .from(notes)
    .where(visibleNotes(owner))
    .orderBy(asc(notes.createdAt))
  const result = []
  for (const { id } of rows) {
    const note = (await getNote(tx, owner, { noteId: id }))!
    const history = (await noteHistory(tx, owner, { noteId: id, limit: 10_000 }))!
    result.push({ ...note, history })
  }
  return result
}

/**
 * Erasure of a clinician: drafts go; signed notes are restricted (hidden from everyone, kept
 * until their retain_until date). The counts are for the erasure receipt.
 */
export async function eraseNotesOf(tx: Tx, owner: Caller) {
  const deleted = await tx
    .delete(notes)
    .where(
      and(eq(notes.tenantId, owner.tenantId), eq(notes.ownerUserId, owner.userId), isNull(notes.signedAt)),
    )
    .returning({ id: notes.id })
  const restricted = await tx
    .update(notes)
    .set({ restrictedAt: sql`now()` })
    .where(
      and(
        eq(notes.tenantId, owner.tenantId),
        eq(notes.ownerUserId, owner.userId),
        sql`${notes.signedAt} is not null`,
        isNull(notes.restrictedAt),
      ),
    )
    .returning({ retainUntil: notes.retainUntil })
  const keptUntil =
    restricted
      .map((row) => row.retainUntil)
      .filter((d): d is string => d !== null)
      .sort()
      .at(-1) ?? null
  return { draftsDeleted: deleted.length, signedRestricted: restricted.length, keptUntil }
}

function toSummary(row: typeof notes.$inferSelect): NoteSummary {
  return {
    id: row.id,
    patientRef: row.patientRef,
    sessionDate: row.sessionDate,
    sessionKind: row.sessionKind,
    templateName: row.templateName,
    status: row.signedAt ? 'signed' : 'draft',
    signedAt: row.signedAt?.toISOString() ?? null,
    amendedAt: row.amendedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  }
}
