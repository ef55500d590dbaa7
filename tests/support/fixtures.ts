// Two clinics with a row in every tenant table for every person (content and exports for
// the therapists, whose alone they are; a past erasure's receipt per clinic), written
// through the owner connection. Security tests use it to prove what each
// person can and cannot see; tests/security/rls.test.ts fails if a tenant
// table has no fixture rows, so a new table cannot slip past.
import { sql } from 'drizzle-orm'
import { randomUUID } from 'node:crypto'
import { connectOwner, type Tx } from '#db/client.ts'
import { loadConfig } from '#server/config/env.ts'
import { recordAuditEvent } from '#server/services/audit/record.ts'
import { MappingSealer } from '#server/services/pseudonymise/crypto.ts'
import {
  apiTokens,
  budgetAlerts,
  conversations,
  dataExports,
  erasureReceipts,
  folders,
  invitations,
  messages,
  noteSections,
  noteTemplates,
  noteVersions,
  notes,
  pseudonymMaps,
  sessions,
  tenants,
  usage,
  users,
} from '#db/schema/index.ts'

export interface FixtureUser {
  tenantId: string
  userId: string
  role: 'therapist' | 'admin'
}

export interface TwoClinics {
  clinicA: { tenantId: string; slug: string }
  clinicB: { tenantId: string; slug: string }
  /** Clinic A: two therapists and an admin. */
  a1: FixtureUser
  a2: FixtureUser
  aAdmin: FixtureUser
  /** Clinic B: a therapist and an admin. */
  b1: FixtureUser
  bAdmin: FixtureUser
  /** Content ids per user, for direct checks. */
  content: Record<'a1' | 'a2' | 'b1', { folderId: string; conversationId: string; messageId: string }>
}

export async function seedTwoClinics(ownerUrl: string): Promise<TwoClinics> {
  const owner = connectOwner(ownerUrl)
  const suffix = randomUUID().slice(0, 8)
  const clinicA = { tenantId: randomUUID(), slug: `clinic-a-${suffix}` }
  const clinicB = { tenantId: randomUUID(), slug: `clinic-b-${suffix}` }
  const person = (tenantId: string, role: FixtureUser['role']): FixtureUser => ({
    tenantId,
    userId: randomUUID(),
    role,
  })
  const a1 = person(clinicA.tenantId, 'therapist')
  const a2 = person(clinicA.tenantId, 'therapist')
  const aAdmin = person(clinicA.tenantId, 'admin')
  const b1 = person(clinicB.tenantId, 'therapist')
  const bAdmin = person(clinicB.tenantId, 'admin')
  const content = {} as TwoClinics['content']

  try {
    await owner.db.transaction(async (tx) => {
      await tx.insert(tenants).values([
        { id: clinicA.tenantId, slug: clinicA.slug, name: 'Clinic A' },
        { id: clinicB.tenantId, slug: clinicB.slug, name: 'Clinic B' },
      ])
      // Budget alerts belong to a clinic, not a person: one row per clinic, in a past month, so the
      // current month's alerts are still to come.
      for (const tenantId of [clinicA.tenantId, clinicB.tenantId]) {
        await tx.insert(budgetAlerts).values({ tenantId, month: '2026-01-01', threshold: 80 })
      }
      const everyone = { a1, a2, aAdmin, b1, bAdmin }
      for (const [key, user] of Object.entries(everyone)) {
        await tx.insert(users).values({
          tenantId: user.tenantId,
          id: user.userId,
          email: `${key}-${suffix}@example.test`,
          name: `Person ${key}`,
          role: user.role,
          oidcIssuer: 'http://issuer.test',
          oidcSubject: `${key}-${suffix}`,
        })
        await tx.insert(usage).values({
          tenantId: user.tenantId,
          userId: user.userId,
          // Today (UTC), so the row always counts towards the current month's budget.
          day: sql`(now() at time zone 'UTC')::date`,
          requests: 1,
          promptTokens: 10,
          completionTokens: 20,
        })
        await tx.insert(apiTokens).values({
          tenantId: user.tenantId,
          userId: user.userId,
          name: `token ${key}`,
          displayPrefix: 'clinai_pat_xx',
          secretHash: randomUUID(),
        })
        await tx.insert(sessions).values({
          tenantId: user.tenantId,
          id: randomUUID(),
          userId: user.userId,
          expiresAt: new Date(Date.now() + 3600_000),
        })
        await tx.insert(invitations).values({
          tenantId: user.tenantId,
          email: `invited-by-${key}-${suffix}@example.test`,
          name: `Invited by ${key}`,
          role: 'therapist',
          actorUserId: user.userId,
        })
        // Through the audit service, so the fixture's events form a valid hash chain.
        await recordAuditEvent(tx, {
          tenantId: user.tenantId,
          actorUserId: user.userId,
          action: 'fixture.created',
          targetType: 'user',
          targetId: user.userId,
        })
        await tx.insert(noteTemplates).values({
          tenantId: user.tenantId,
          name: `Template of ${key}`,
          sections: [{ key: 'focus', title: 'Focus', instruction: 'What the session was about.' }],
          actorUserId: user.userId,
        })
      }
      for (const [key, user] of Object.entries({ a1, a2, b1 })) {
        const [folder] = await tx
          .insert(folders)
          .values({ tenantId: user.tenantId, ownerUserId: user.userId, name: `Folder ${key}` })
          .returning({ id: folders.id })
        const [conversation] = await tx
          .insert(conversations)
          .values({
            tenantId: user.tenantId,
            ownerUserId: user.userId,
            folderId: folder!.id,
            title: `Conversation ${key}`,
          })
          .returning({ id: conversations.id })
        const [message] = await tx
          .insert(messages)
          .values({
            tenantId: user.tenantId,
            conversationId: conversation!.id,
            ownerUserId: user.userId,
            role: 'user',
            content: `Message of ${key}`,
          })
          .returning({ id: messages.id })
        await tx.insert(dataExports).values({
          tenantId: user.tenantId,
          ownerUserId: user.userId,
          status: 'failed',
          errorCode: 'fixture',
        })
        await seedNotesOf(tx, user, key)
        // A pseudonym mapping, sealed with the local key the test servers use, as the chat writes it.
        const sealed = new MappingSealer(loadConfig({ NODE_ENV: 'test' }).pseudonymKeys).seal(
          JSON.stringify({
            mapping: {
              entries: [{ placeholder: '[PERSON_1]', original: `Patient of ${key}`, category: 'PERSON' }],
              counters: { PERSON: 1 },
            },
            views: [],
          }),
          `pseudonym_maps|${user.tenantId}|conversation|${conversation!.id}`,
        )
        await tx.insert(pseudonymMaps).values({
          tenantId: user.tenantId,
          ownerUserId: user.userId,
          conversationId: conversation!.id,
          sealed,
        })
        content[key as 'a1' | 'a2' | 'b1'] = {
          folderId: folder!.id,
          conversationId: conversation!.id,
          messageId: message!.id,
        }
      }
      // Each clinic has erased someone before: their row pseudonymised, their receipt kept.
      for (const [clinic, admin] of [
        [clinicA, aAdmin],
        [clinicB, bAdmin],
      ] as const) {
        const former = randomUUID()
        await tx.insert(users).values({
          tenantId: clinic.tenantId,
          id: former,
          email: `erased-${former}@erased.invalid`,
          name: 'Erased person',
          status: 'disabled',
        })
        await tx.insert(erasureReceipts).values({
          tenantId: clinic.tenantId,
          subjectUserId: former,
          requestedByUserId: admin.userId,
          status: 'done',
          tableCounts: { messages: 0 },
          blobCounts: {},
          completedAt: new Date(),
        })
      }
    })
  } finally {
    await owner.close()
  }
  return { clinicA, clinicB, a1, a2, aAdmin, b1, bAdmin, content }
}

/**
 * Three notes per person, ids ordered so that tests picking "the person's first row" (by id)
 * meet two drafts before the signed one: a draft may be edited and deleted, then one signed.
 */
async function seedNotesOf(tx: Tx, user: FixtureUser, key: string) {
  const id = (prefix: string) => `${prefix}${randomUUID().slice(1)}`
  for (const [prefix, signed] of [
    ['0', false],
    ['1', false],
    ['f', true],
  ] as const) {
    const [note] = await tx
      .insert(notes)
      .values({
        tenantId: user.tenantId,
        id: id(prefix),
        ownerUserId: user.userId,
        patientRef: `P-${key}`,
        sessionDate: '2026-03-02',
        sessionKind: 'follow_up',
        durationMinutes: 50,
        jottings: `Jottings of ${key}`,
        templateKey: 'soap',
        templateName: 'SOAP',
        locale: 'en',
        ...(signed
          ? {
              signedAt: new Date(),
              signedByUserId: user.userId,
              signedHash: '0'.repeat(64),
              retainUntil: '2036-03-02',
            }
          : {}),
      })
      .returning({ id: notes.id })
    for (const [position, sectionKey] of ['subjective', 'objective'].entries()) {
      const [section] = await tx
        .insert(noteSections)
        .values({
          tenantId: user.tenantId,
          id: id(prefix),
          noteId: note!.id,
          ownerUserId: user.userId,
          position,
          key: sectionKey,
          title: sectionKey,
          instruction: 'Fixture section.',
          content: `Section ${sectionKey} of ${key}`,
          status: 'complete',
          version: 1,
        })
        .returning({ id: noteSections.id })
      await tx.insert(noteVersions).values({
        tenantId: user.tenantId,
        noteId: note!.id,
        sectionId: section!.id,
        ownerUserId: user.userId,
        authorUserId: user.userId,
        kind: 'generated',
        version: 1,
        content: `Section ${sectionKey} of ${key}`,
      })
    }
  }
}
