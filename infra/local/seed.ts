// Demo data so a newcomer sees a living product: two clinics, each with an
// admin and two therapists (the accounts of the bundled identity provider),
// folders, conversations and messages. `npm run db:seed`; the dev launcher runs
// it on an empty database. It never touches a database that already has clinics.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { sql } from 'drizzle-orm'
import { connectOwner } from '#db/client.ts'
import { conversations, folders, messages, tenants, usage, users } from '#db/schema/index.ts'
import { demoClinics } from './demo-accounts.ts'

interface DemoConversation {
  folder: string | null
  title: string
  exchanges: Array<[question: string, answer: string]>
}

const demoWork: Record<'en' | 'de', { folders: string[]; conversations: DemoConversation[] }> = {
  en: {
    folders: ['Intake', 'Supervision'],
    conversations: [
      {
        folder: 'Intake',
        title: 'Structuring a first session',
        exchanges: [
          [
            'How could I structure a 50-minute intake session for adult anxiety?',
            'A common outline:\n\n- **Welcome and consent** (5 min): confidentiality and its limits.\n- **Presenting concern** (15 min): onset, triggers, impact on daily life.\n- **History** (15 min): previous treatment, medication, support network.\n- **Screening** (10 min): a validated questionnaire such as GAD-7.\n- **Next steps** (5 min): agree on goals and the next appointment.\n\nClinical judgement stays with you; adapt the order to the person in front of you.',
          ],
        ],
      },
      {
        folder: 'Supervision',
        title: 'Preparing a supervision case summary',
        exchanges: [
          [
            'What belongs in a short case summary for supervision?',
            'Keep it to one page:\n\n1. Reason for referral and current goals\n2. Formulation in two or three sentences\n3. Interventions so far and their effect\n4. The question you want to bring to supervision\n\nLeave out identifying details that supervision does not need.',
          ],
          [
            'And how do I phrase the question?',
            'Make it specific and answerable, for example: "How can I respond when the client cancels after difficult sessions?"',
          ],
        ],
      },
      {
        folder: null,
        title: 'Sleep hygiene handout',
        exchanges: [
          [
            'Draft five plain-language sleep hygiene tips for a handout.',
            '1. Get up at the same time every day, weekends included.\n2. Keep the bed for sleep; if you lie awake for long, get up for a while.\n3. Reduce caffeine after midday.\n4. Dim screens and lights in the last hour before bed.\n5. Wind down with a short, calm routine.',
          ],
        ],
      },
    ],
  },
  de: {
    folders: ['Erstgespräche', 'Verlaufsdokumentation'],
    conversations: [
      {
        folder: 'Erstgespräche',
        title: 'Ablauf eines Erstgesprächs',
        exchanges: [
          [
            'Wie strukturiere ich ein Erstgespräch bei depressiver Symptomatik?',
            'Ein bewährter Ablauf:\n\n- **Begrüßung und Aufklärung** über Schweigepflicht und ihre Grenzen.\n- **Anliegen und aktuelle Beschwerden**, Beginn und Verlauf.\n- **Screening** mit einem validierten Fragebogen, z. B. PHQ-9.\n- **Risikoabklärung** einschließlich Suizidalität.\n- **Gemeinsame Ziele** und nächste Schritte.\n\nDie klinische Einschätzung bleibt bei Ihnen.',
          ],
        ],
      },
      {
        folder: 'Verlaufsdokumentation',
        title: 'Therapien im Verlauf dokumentieren',
        exchanges: [
          [
            'Welche Angaben gehören in eine kurze Verlaufsnotiz?',
            'Datum und Dauer, Thema der Sitzung, eingesetzte Interventionen, Beobachtungen, Vereinbarungen und der geplante nächste Termin. Formulieren Sie sachlich und knapp.',
          ],
          [
            'Gibt es ein Schema dafür?',
            'Häufig genutzt wird SOAP: **S**ubjektiv, **O**bjektiv, **A**ssessment, **P**lan.',
          ],
        ],
      },
      {
        folder: null,
        title: 'Entspannungsübung für Patienten',
        exchanges: [
          [
            'Beschreibe eine kurze Atemübung in einfacher Sprache.',
            'Setzen Sie sich bequem hin. Atmen Sie vier Sekunden lang durch die Nase ein, halten Sie kurz inne und atmen Sie sechs Sekunden lang langsam aus. Wiederholen Sie das fünf Minuten lang.',
          ],
        ],
      },
    ],
  },
}

export interface SeedResult {
  seeded: boolean
}

/** Seeds the demo clinics unless the database already has clinics. */
export async function seedDemoData(ownerUrl: string, options: { oidcIssuer: string }): Promise<SeedResult> {
  const owner = connectOwner(ownerUrl)
  try {
    return await owner.db.transaction(async (tx) => {
      // Serialise concurrent seeders (two dev launchers starting at once).
      await tx.execute(sql`select pg_advisory_xact_lock(7351001)`)
      const existing = await tx.select({ id: tenants.id }).from(tenants).limit(1)
      if (existing.length > 0) return { seeded: false }

      const today = new Date()
      for (const [clinicIndex, clinic] of demoClinics.entries()) {
        const language = clinicIndex === 0 ? 'en' : 'de'
        await tx.insert(tenants).values({
          id: clinic.tenantId,
          slug: clinic.slug,
          name: clinic.name,
          systemPrompt:
            language === 'de'
              ? 'Du bist ein sorgfältiger Assistent für Psychotherapeutinnen und -therapeuten. Antworte knapp, sachlich und auf Deutsch.'
              : 'You are a careful assistant for clinicians in a therapy practice. Answer concisely and factually.',
          monthlyTokenBudget: 2_000_000,
          retentionDays: 365,
          // Both demo clinics speak German by default; each person may choose English.
          defaultLocale: 'de',
        })
        await tx.insert(users).values(
          clinic.accounts.map((account) => ({
            tenantId: clinic.tenantId,
            id: account.userId,
            oidcIssuer: options.oidcIssuer,
            oidcSubject: account.subject,
            email: account.email,
            name: account.name,
            role: account.role,
          })),
        )

        const work = demoWork[language]
        for (const account of clinic.accounts.filter((a) => a.role === 'therapist')) {
          const folderIds = new Map<string, string>()
          for (const name of work.folders) {
            const [folder] = await tx
              .insert(folders)
              .values({ tenantId: clinic.tenantId, ownerUserId: account.userId, name })
              .returning({ id: folders.id })
            folderIds.set(name, folder!.id)
          }
          for (const [index, demo] of work.conversations.entries()) {
            const startedAt = new Date(today.getTime() - (index + 1) * 26 * 3600_000)
            const [conversation] = await tx
              .insert(conversations)
              .values({
                tenantId: clinic.tenantId,
                ownerUserId: account.userId,
                folderId: demo.folder ? folderIds.get(demo.folder)! : null,
                title: demo.title,
                lastMessageAt: startedAt,
                createdAt: startedAt,
              })
              .returning({ id: conversations.id })
            let at = startedAt.getTime()
            for (const [question, answer] of demo.exchanges) {
              await tx.insert(messages).values([
                {
                  tenantId: clinic.tenantId,
                  conversationId: conversation!.id,
                  ownerUserId: account.userId,
                  role: 'user' as const,
                  content: question,
                  createdAt: new Date((at += 1000)),
                },
                {
                  tenantId: clinic.tenantId,
                  conversationId: conversation!.id,
                  ownerUserId: account.userId,
                  role: 'assistant' as const,
                  content: answer,
                  status: 'complete' as const,
                  finishReason: 'stop',
                  model: 'gpt-4o-mini',
                  promptTokens: 60 + Math.round(question.length / 4),
                  completionTokens: Math.round(answer.length / 4),
                  createdAt: new Date((at += 4000)),
                  completedAt: new Date((at += 4000)),
                },
              ])
            }
          }
          await tx.insert(usage).values({
            tenantId: clinic.tenantId,
            userId: account.userId,
            day: today.toISOString().slice(0, 10),
            model: 'gpt-4o-mini',
            requests: 4,
            promptTokens: 1200,
            completionTokens: 900,
          })
        }
      }
      return { seeded: true }
    })
  } finally {
    await owner.close()
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { loadConfig, localDefaults } = await import('#server/config/env.ts')
  const config = loadConfig()
  if (!config.database.ownerUrl) {
    console.error('DATABASE_OWNER_URL is required to seed')
    process.exit(1)
  }
  const issuer = process.env.AUTH_ISSUER ?? `http://localhost:${localDefaults.oidcPort}`
  const result = await seedDemoData(config.database.ownerUrl, { oidcIssuer: issuer })
  console.log(result.seeded ? 'demo data seeded' : 'database already has clinics; nothing seeded')
}
