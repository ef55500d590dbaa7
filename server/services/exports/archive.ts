// Writes an export archive as a stream: `clinai-export.json` (format.ts) and one Markdown
// file per conversation and per consultation note, zipped by yazl as the bytes are
// produced. Content is read in pages (a conversation's messages 200 at a time, a note with
// its sections and versions) inside short transactions, so neither the archive nor a
// conversation is ever held in memory whole.
import { Readable } from 'node:stream'
import { and, asc, eq, isNull, sql } from 'drizzle-orm'
import yazl from 'yazl'
import type { Tx } from '#db/client.ts'
import { conversations, folders, messages, noteSections, noteVersions, notes } from '#db/schema/index.ts'
import {
  EXPORT_FORMAT,
  EXPORT_FORMAT_VERSION,
  EXPORT_JSON_NAME,
  type ExportDocument,
  type ExportNote,
  type ExportPerson,
} from './format.ts'

const MESSAGE_PAGE = 200

/** A short transaction that can read one person's content (withTenant as that person). */
export type ReadAs = <T>(person: { userId: string }, work: (tx: Tx) => Promise<T>) => Promise<T>

type FolderRow = ExportPerson['folders'][number]

export type ArchivePerson = Omit<ExportPerson, 'folders' | 'conversations' | 'notes'>

export interface ArchiveInput {
  scope: ExportDocument['scope']
  clinic: ExportDocument['clinic']
  people: ArchivePerson[]
  read: ReadAs
  /** Called with 0…1 as conversations and notes are written (twice over: JSON, then Markdown). */
  onProgress?: (share: number) => void | Promise<void>
}

interface ConversationRef {
  person: ArchivePerson
  id: string
  title: string
  folderId: string | null
  createdAt: Date
  lastMessageAt: Date
  markdownFile: string
}

interface NoteRef {
  person: ArchivePerson
  id: string
  markdownFile: string
}

/** The zip as a readable stream; reading it drives the database reads. */
export async function exportArchive(input: ArchiveInput): Promise<Readable> {
  const refs: ConversationRef[] = []
  const noteRefs: NoteRef[] = []
  const foldersByPerson = new Map<string, ExportPerson['folders']>()
  for (const person of input.people) {
    const { rows, personFolders, personNotes } = await input.read({ userId: person.id }, async (tx) => ({
      rows: await tx
        .select({
          id: conversations.id,
          title: conversations.title,
          folderId: conversations.folderId,
          createdAt: conversations.createdAt,
          lastMessageAt: conversations.lastMessageAt,
        })
        .from(conversations)
        .where(eq(conversations.ownerUserId, person.id))
        .orderBy(asc(conversations.createdAt), asc(conversations.id)),
      personFolders: await tx
        .select({ id: folders.id, name: folders.name, createdAt: folders.createdAt })
        .from(folders)
        .where(eq(folders.ownerUserId, person.id))
        .orderBy(asc(folders.name), asc(folders.id)),
      // A person's archive holds their visible notes; a clinic's also those restricted by an
      // erasure (patient records the clinic must keep, handed back at the end of the contract).
      personNotes: await tx
        .select({ id: notes.id, sessionDate: notes.sessionDate })
        .from(notes)
        .where(
          and(
            eq(notes.ownerUserId, person.id),
            input.scope === 'person' ? isNull(notes.restrictedAt) : undefined,
          ),
        )
        .orderBy(asc(notes.createdAt), asc(notes.id)),
    }))
    foldersByPerson.set(
      person.id,
      personFolders.map((f): FolderRow => ({ ...f, createdAt: f.createdAt.toISOString() })),
    )
    for (const row of rows) {
      const folder = input.scope === 'clinic' ? `${person.id}/` : ''
      refs.push({
        person,
        ...row,
        markdownFile: `conversations/${folder}${String(refs.length + 1).padStart(4, '0')}-${slug(row.title)}-${row.id.slice(0, 8)}.md`,
      })
    }
    for (const note of personNotes) {
      const folder = input.scope === 'clinic' ? `${person.id}/` : ''
      noteRefs.push({
        person,
        id: note.id,
        // The date and the id only: a patient reference stays out of file names.
        markdownFile: `notes/${folder}${String(noteRefs.length + 1).padStart(4, '0')}-${note.sessionDate}-${note.id.slice(0, 8)}.md`,
      })
    }
  }

  const total = Math.max((refs.length + noteRefs.length) * 2, 1)
  let written = 0
  const progress = async () => {
    written++
    await input.onProgress?.(Math.min(written / total, 1))
  }

  const zip = new yazl.ZipFile()
  zip.addReadStream(
    Readable.from(jsonDocument(input, refs, noteRefs, foldersByPerson, progress)),
    EXPORT_JSON_NAME,
  )
  for (const ref of refs) {
    zip.addReadStream(Readable.from(markdown(input.read, ref, progress)), ref.markdownFile)
  }
  for (const ref of noteRefs) {
    zip.addReadStream(Readable.from(noteMarkdown(input.read, ref, progress)), ref.markdownFile)
  }
  zip.end()
  return zip.outputStream as Readable
}

async function* jsonDocument(
  input: ArchiveInput,
  refs: ConversationRef[],
  noteRefs: NoteRef[],
  foldersByPerson: Map<string, ExportPerson['folders']>,
  progress: () => Promise<void>,
): AsyncGenerator<string> {
  const head = {
    format: EXPORT_FORMAT,
    version: EXPORT_FORMAT_VERSION,
    exportedAt: new Date().toISOString(),
    scope: input.scope,
    clinic: input.clinic,
  }
  yield `${JSON.stringify(head).slice(0, -1)},"people":[`
  for (const [index, person] of input.people.entries()) {
    const { id, name, email, role, status, createdAt } = person
    const opening = JSON.stringify({
      id,
      name,
      email,
      role,
      status,
      createdAt,
      folders: foldersByPerson.get(id) ?? [],
    })
    yield `${index > 0 ? ',' : ''}${opening.slice(0, -1)},"notes":[`
    let firstNote = true
    for (const ref of noteRefs.filter((r) => r.person.id === person.id)) {
      const note = await readNote(input.read, ref)
      if (note) {
        yield `${firstNote ? '' : ','}${JSON.stringify(note)}`
        firstNote = false
      }
      await progress()
    }
    yield '],"conversations":['
    let first = true
    for (const ref of refs.filter((r) => r.person.id === person.id)) {
      const conversation = {
        id: ref.id,
        title: ref.title,
        folderId: ref.folderId,
        createdAt: ref.createdAt.toISOString(),
        lastMessageAt: ref.lastMessageAt.toISOString(),
        markdownFile: ref.markdownFile,
      }
      yield `${first ? '' : ','}${JSON.stringify(conversation).slice(0, -1)},"messages":[`
      first = false
      let firstMessage = true
      for await (const message of messagePages(input.read, ref)) {
        yield `${firstMessage ? '' : ','}${JSON.stringify(message)}`
        firstMessage = false
      }
      yield ']}'
      await progress()
    }
    yield ']}'
  }
  yield ']}\n'
}

async function* markdown(read: ReadAs, ref: ConversationRef, progress: () => Promise<void>) {
  yield `# ${ref.title.replace(/\n/g, ' ')}\n\n`
  yield `- Conversation: ${ref.id}\n- Started: ${ref.createdAt.toISOString()}\n- Last message: ${ref.lastMessageAt.toISOString()}\n\n`
  for await (const message of messagePages(read, ref)) {
    const who = message.role === 'user' ? 'You' : 'Assistant'
    const state =
      message.status === 'complete'
        ? ''
        : ` (${message.status}${message.errorCode ? `: ${message.errorCode}` : ''})`
    yield `## ${who}, ${message.createdAt}${state}\n\n${message.content}\n\n`
  }
  await progress()
}

/** One note with its sections and every version, in one short transaction; null if it went meanwhile. */
async function readNote(read: ReadAs, ref: NoteRef): Promise<ExportNote | null> {
  return read({ userId: ref.person.id }, async (tx) => {
    const mine = (table: typeof noteSections | typeof noteVersions) =>
      and(eq(table.ownerUserId, ref.person.id), eq(table.noteId, ref.id))
    const [row] = await tx
      .select()
      .from(notes)
      .where(and(eq(notes.ownerUserId, ref.person.id), eq(notes.id, ref.id)))
    if (!row) return null
    const sections = await tx
      .select()
      .from(noteSections)
      .where(mine(noteSections))
      .orderBy(asc(noteSections.position))
    const versions = await tx
      .select()
      .from(noteVersions)
      .where(mine(noteVersions))
      .orderBy(asc(noteVersions.createdAt), asc(noteVersions.version), asc(noteVersions.id))
    const iso = (date: Date | null) => date?.toISOString() ?? null
    return {
      id: row.id,
      patientRef: row.patientRef,
      sessionDate: row.sessionDate,
      sessionKind: row.sessionKind,
      durationMinutes: row.durationMinutes,
      jottings: row.jottings,
      templateKey: row.templateKey,
      templateName: row.templateName,
      locale: row.locale,
      status: row.signedAt ? 'signed' : 'draft',
      signedAt: iso(row.signedAt),
      signedByUserId: row.signedByUserId,
      signedHash: row.signedHash,
      amendedAt: iso(row.amendedAt),
      retainUntil: row.retainUntil,
      restrictedAt: iso(row.restrictedAt),
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
      markdownFile: ref.markdownFile,
      sections: sections.map((section) => ({
        id: section.id,
        key: section.key,
        title: section.title,
        content: section.content,
        status: section.status,
        errorCode: section.errorCode,
        version: section.version,
      })),
      versions: versions.map((version) => ({
        id: version.id,
        sectionId: version.sectionId,
        kind: version.kind,
        version: version.version,
        content: version.content,
        reason: version.reason,
        contentHash: version.contentHash,
        authorUserId: version.authorUserId,
        createdAt: version.createdAt.toISOString(),
      })),
    }
  })
}

async function* noteMarkdown(read: ReadAs, ref: NoteRef, progress: () => Promise<void>) {
  const note = await readNote(read, ref)
  if (note) {
    const line = (text: string) => text.replace(/\n/g, ' ')
    yield `# Consultation note: ${line(note.patientRef)}\n\n`
    yield `- Note: ${note.id}\n- Session: ${note.sessionDate}, ${note.sessionKind}, ${note.durationMinutes} min\n- Template: ${line(note.templateName)}\n`
    yield note.signedAt
      ? `- Signed: ${note.signedAt} by ${note.signedByUserId}, sha256 ${note.signedHash}\n`
      : '- Draft, not signed\n'
    if (note.amendedAt) yield `- Amended: ${note.amendedAt}\n`
    if (note.restrictedAt)
      yield `- Restricted: ${note.restrictedAt} (its author was erased), kept until ${note.retainUntil}\n`
    yield `\n## Jottings\n\n${note.jottings}\n\n`
    for (const section of note.sections) {
      yield `## ${line(section.title)}\n\n${section.content}\n\n`
    }
    const amendments = note.versions.filter((version) => version.kind === 'amendment')
    if (amendments.length > 0) {
      yield '## Amendments\n\n'
      for (const amendment of amendments) {
        yield `- ${amendment.createdAt}: ${line(amendment.reason ?? '')}\n`
      }
    }
  }
  await progress()
}

/** A conversation's messages in order, a page per short transaction (keyset on created_at, id). */
async function* messagePages(read: ReadAs, ref: ConversationRef) {
  // The cursor keeps PostgreSQL's microseconds as text; a JS Date would round them away.
  let after: { at: string; id: string } | null = null
  for (;;) {
    const cursor: { at: string; id: string } | null = after
    const page: Array<{ row: typeof messages.$inferSelect; at: string }> = await read(
      { userId: ref.person.id },
      (tx) =>
        tx
          .select({ row: messages, at: sql<string>`${messages.createdAt}::text` })
          .from(messages)
          .where(
            and(
              eq(messages.conversationId, ref.id),
              eq(messages.ownerUserId, ref.person.id),
              cursor
                ? sql`(${messages.createdAt}, ${messages.id}) > (${cursor.at}::timestamptz, ${cursor.id}::uuid)`
                : undefined,
            ),
          )
          .orderBy(asc(messages.createdAt), asc(messages.id))
          .limit(MESSAGE_PAGE),
    )
    for (const { row } of page) {
      yield {
        id: row.id,
        role: row.role,
        content: row.content,
        status: row.status,
        errorCode: row.errorCode,
        model: row.model,
        promptTokens: row.promptTokens,
        completionTokens: row.completionTokens,
        createdAt: row.createdAt.toISOString(),
        completedAt: row.completedAt?.toISOString() ?? null,
      }
    }
    if (page.length < MESSAGE_PAGE) return
    const last = page.at(-1)!
    after = { at: last.at, id: last.row.id }
  }
}

function slug(title: string): string {
  return (
    title
      .normalize('NFKD')
      .replace(/[^\w\s-]/g, '')
      .trim()
      .toLowerCase()
      .replace(/[\s_-]+/g, '-')
      .slice(0, 40)
      .replace(/-+$/, '') || 'conversation'
  )
}
