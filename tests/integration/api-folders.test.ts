// folders.*: the caller's own folders; deleting one moves its conversations out.
import type postgres from 'postgres'
import { beforeAll, describe, expect, it } from 'vitest'
import { createConversation } from '#server/services/conversations/conversations.ts'
import { deleteFolder, FolderNotFoundError } from '#server/services/folders/folders.ts'
import { rejectionOf, type TestApi, useApiTestBed } from '#tests/support/caller.ts'
import { type TwoClinics } from '#tests/support/fixtures.ts'

const bed = useApiTestBed()
let api: TestApi, fixture: TwoClinics, owner: postgres.Sql
beforeAll(() => void ({ api, fixture, owner } = bed))

/** Resolves once some session of the app role waits for a row lock. */
async function waitForLockWait() {
  for (let i = 0; i < 200; i++) {
    // pg_locks, not pg_stat_activity: only a superuser sees other roles' wait events.
    const rows = await owner`select 1 from pg_locks l join pg_stat_activity a using (pid)
                              where not l.granted and a.datname = current_database()`
    if (rows.length > 0) return
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  throw new Error('no transaction started waiting for the lock')
}

describe('folders', () => {
  it('are created trimmed, listed by name with their conversation counts, and only the caller sees them', async () => {
    const a1 = api.as(fixture.a1)
    const created = await a1.folders.create({ name: '  Zwangsstörungen  ' })
    expect(created).toMatchObject({ name: 'Zwangsstörungen', conversationCount: 0 })
    expect(created.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/)
    await a1.conversations.create({ title: 'In the new folder', folderId: created.id })

    const list = await a1.folders.list()
    expect(list.map((f) => f.name)).toEqual(['Folder a1', 'Zwangsstörungen'])
    expect(list.find((f) => f.id === created.id)!.conversationCount).toBe(1)
    expect(list.find((f) => f.id === fixture.content.a1.folderId)!.conversationCount).toBe(1)

    const a2List = await api.as(fixture.a2).folders.list()
    expect(a2List.map((f) => f.id)).toEqual([fixture.content.a2.folderId])
  })

  it('are renamed by their owner only', async () => {
    const a1 = api.as(fixture.a1)
    const folder = await a1.folders.create({ name: 'Old name' })
    const renamed = await a1.folders.rename({ folderId: folder.id, name: 'New name' })
    expect(renamed).toMatchObject({ id: folder.id, name: 'New name' })

    const refused = await rejectionOf(
      api.as(fixture.a2).folders.rename({ folderId: folder.id, name: 'Taken over' }),
    )
    expect(refused.code).toBe('NOT_FOUND')
    expect(refused.message).toBe('folder_not_found')
    const [row] = await owner`select name from folders where id = ${folder.id}`
    expect(row!.name).toBe('New name')
  })

  it('move their conversations to "no folder" when deleted, and say how many', async () => {
    const a1 = api.as(fixture.a1)
    const folder = await a1.folders.create({ name: 'To delete' })
    const first = await a1.conversations.create({ title: 'one', folderId: folder.id })
    const second = await a1.conversations.create({ title: 'two', folderId: folder.id })
    const elsewhere = await a1.conversations.create({ title: 'three', folderId: fixture.content.a1.folderId })

    const result = await a1.folders.delete({ folderId: folder.id })
    expect(result).toEqual({ folderId: folder.id, movedConversations: 2 })

    const rows =
      await owner`select id, folder_id from conversations where id in ${owner([first.id, second.id, elsewhere.id])}`
    const folderOf = Object.fromEntries(rows.map((r) => [r.id as string, r.folder_id as string | null]))
    expect(folderOf).toEqual({
      [first.id]: null,
      [second.id]: null,
      [elsewhere.id]: fixture.content.a1.folderId,
    })
    expect((await owner`select count(*)::int as n from folders where id = ${folder.id}`)[0]!.n).toBe(0)
    const unfiled = await a1.conversations.list({ folderId: null })
    expect(unfiled.items.map((c) => c.id)).toEqual(expect.arrayContaining([first.id, second.id]))
  })

  it("refuse to delete another person's folder, with the same answer as a missing one", async () => {
    const foreign = await rejectionOf(
      api.as(fixture.a1).folders.delete({ folderId: fixture.content.b1.folderId }),
    )
    const missing = await rejectionOf(
      api.as(fixture.a1).folders.delete({ folderId: '00000000-0000-4000-8000-000000000000' }),
    )
    expect([foreign.code, foreign.message]).toEqual(['NOT_FOUND', 'folder_not_found'])
    expect([missing.code, missing.message]).toEqual([foreign.code, foreign.message])
    const [row] =
      await owner`select count(*)::int as n from conversations where folder_id = ${fixture.content.b1.folderId}`
    expect(row!.n).toBe(1)
  })

  it('never strand a conversation that is created into a folder while the folder is deleted', async () => {
    const a1 = fixture.a1
    const ctx = { tenantId: a1.tenantId, userId: a1.userId, role: a1.role }
    const db = api.services.db

    // Creation first: the delete waits for it, then moves the new conversation out too.
    const folder = await api.as(a1).folders.create({ name: 'Race 1' })
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    let created!: () => void
    const inserted = new Promise<void>((resolve) => (created = resolve))
    const creating = db.withTenant(ctx, async (tx) => {
      const conversation = await createConversation(tx, a1, { title: 'racing', folderId: folder.id })
      created()
      await held
      return conversation
    })
    await inserted
    const deleting = db.withTenant(ctx, (tx) => deleteFolder(tx, a1, { folderId: folder.id }))
    await waitForLockWait()
    release()
    const conversation = await creating
    expect(await deleting).toEqual({ folderId: folder.id, movedConversations: 1 })
    const [row] = await owner`select folder_id from conversations where id = ${conversation.id}`
    expect(row!.folder_id).toBeNull()

    // Deletion first: the creation waits for it, then finds the folder gone (NOT_FOUND, not a crash).
    const second = await api.as(a1).folders.create({ name: 'Race 2' })
    let releaseDelete!: () => void
    const deleteHeld = new Promise<void>((resolve) => (releaseDelete = resolve))
    let locked!: () => void
    const deleted = new Promise<void>((resolve) => (locked = resolve))
    const deletingFirst = db.withTenant(ctx, async (tx) => {
      const result = await deleteFolder(tx, a1, { folderId: second.id })
      locked()
      await deleteHeld
      return result
    })
    await deleted
    const creatingLate = db
      .withTenant(ctx, (tx) => createConversation(tx, a1, { title: 'late', folderId: second.id }))
      .then(
        () => 'created',
        (error: unknown) => (error instanceof FolderNotFoundError ? 'folder not found' : String(error)),
      )
    await waitForLockWait()
    releaseDelete()
    expect(await deletingFirst).toEqual({ folderId: second.id, movedConversations: 0 })
    expect(await creatingLate).toBe('folder not found')
  })

  it('validate names: 400 with field errors for empty, too long or control characters', async () => {
    for (const name of ['   ', 'x'.repeat(121), 'tab\tname', 'nul\u0000name']) {
      const { status, body } = await api.http(fixture.a1, 'mutation', 'folders.create', { name })
      expect(status, JSON.stringify(name)).toBe(400)
      expect(body.error!.data.code).toBe('BAD_REQUEST')
      expect(Object.keys(body.error!.data.fieldErrors ?? {})).toEqual(['name'])
    }
    const ok = await api.http(fixture.a1, 'mutation', 'folders.create', { name: 'x'.repeat(120) })
    expect(ok.status).toBe(200)
    const notUuid = await api.http(fixture.a1, 'mutation', 'folders.rename', { folderId: 'abc', name: 'n' })
    expect(notUuid.status).toBe(400)
    expect(Object.keys(notUuid.body.error!.data.fieldErrors ?? {})).toEqual(['folderId'])
  })

  it('need a signed-in caller (401)', async () => {
    const { status, body } = await api.http(null, 'query', 'folders.list')
    expect(status).toBe(401)
    expect(body.error!.data.code).toBe('UNAUTHORIZED')
  })
})

describe('folder names', () => {
  it('are unique per person letter case aside: a twin is refused with folder_name_taken, in the database too', async () => {
    const me = api.as(fixture.a2)
    const first = await me.folders.create({ name: 'Supervision 2027' })
    for (const name of ['Supervision 2027', 'supervision 2027', '  SUPERVISION 2027 ']) {
      const refused = await rejectionOf(me.folders.create({ name }))
      expect(refused, name).toMatchObject({ code: 'CONFLICT', message: 'folder_name_taken' })
    }
    const other = await me.folders.create({ name: 'Intervision 2027' })
    expect(
      await rejectionOf(me.folders.rename({ folderId: other.id, name: 'SUPERVISION 2027' })),
    ).toMatchObject({
      code: 'CONFLICT',
      message: 'folder_name_taken',
    })
    // Renaming a folder to its own name in another case is fine, and so is a colleague's twin.
    await me.folders.rename({ folderId: first.id, name: 'supervision 2027' })
    await api.as(fixture.a1).folders.create({ name: 'Supervision 2027' })
    // The index holds even for a write that skips the service's check.
    await expect(
      owner`insert into folders (tenant_id, owner_user_id, name) values (${fixture.a2.tenantId}, ${fixture.a2.userId}, 'SUPERVISION 2027')`,
    ).rejects.toMatchObject({ code: '23505' })
  })
})
