// Note templates: the four built-in formats (SOAP, DAP, BIRP, GIRP) in code, and a clinic's own,
// defined by its admins. Every note also gets "next steps" and a short letter to the patient.
import { and, asc, count, eq } from 'drizzle-orm'
import type { Tx } from '#db/client.ts'
import { noteTemplates, type TemplateSection } from '#db/schema/index.ts'
import { recordAuditEvent } from '#server/services/audit/record.ts'
import type { Caller, ClinicCaller } from '#server/services/caller.ts'

export type NoteLocale = 'de' | 'en'
export const BUILT_IN_TEMPLATE_KEYS = ['soap', 'dap', 'birp', 'girp'] as const
export type BuiltInTemplateKey = (typeof BUILT_IN_TEMPLATE_KEYS)[number]
/** A clinic may define this many templates. */
export const MAX_CLINIC_TEMPLATES = 50
export const MAX_TEMPLATE_SECTIONS = 12

type Localised = { key: string; title: Record<NoteLocale, string>; instruction: string }

const BUILT_IN: Record<BuiltInTemplateKey, { name: string; sections: Localised[] }> = {
  soap: {
    name: 'SOAP',
    sections: [
      {
        key: 'subjective',
        title: { en: 'Subjective', de: 'Subjektiv' },
        instruction:
          'What the patient reports: concerns, mood, symptoms and events since the last session, in their words where the jottings quote them.',
      },
      {
        key: 'objective',
        title: { en: 'Objective', de: 'Objektiv' },
        instruction:
          'What the clinician observed: appearance, affect, behaviour, engagement, any measures or scores.',
      },
      {
        key: 'assessment',
        title: { en: 'Assessment', de: 'Einschätzung' },
        instruction:
          'The clinical impression: progress, risks, working hypotheses, all grounded in the jottings.',
      },
      {
        key: 'plan',
        title: { en: 'Plan', de: 'Plan' },
        instruction: 'Interventions agreed, homework, referrals and the next appointment.',
      },
    ],
  },
  dap: {
    name: 'DAP',
    sections: [
      {
        key: 'data',
        title: { en: 'Data', de: 'Daten' },
        instruction: 'The facts of the session: what the patient said and what was observed.',
      },
      {
        key: 'assessment',
        title: { en: 'Assessment', de: 'Einschätzung' },
        instruction: 'The clinical interpretation of the data.',
      },
      { key: 'plan', title: { en: 'Plan', de: 'Plan' }, instruction: 'What happens next in treatment.' },
    ],
  },
  birp: {
    name: 'BIRP',
    sections: [
      {
        key: 'behavior',
        title: { en: 'Behaviour', de: 'Verhalten' },
        instruction: 'The patient’s presentation and behaviour in the session.',
      },
      {
        key: 'intervention',
        title: { en: 'Intervention', de: 'Intervention' },
        instruction: 'What the clinician did: methods and techniques used.',
      },
      {
        key: 'response',
        title: { en: 'Response', de: 'Reaktion' },
        instruction: 'How the patient responded to the interventions.',
      },
      { key: 'plan', title: { en: 'Plan', de: 'Plan' }, instruction: 'Next steps in treatment.' },
    ],
  },
  girp: {
    name: 'GIRP',
    sections: [
      {
        key: 'goals',
        title: { en: 'Goals', de: 'Ziele' },
        instruction: 'The treatment goals this session worked on.',
      },
      {
        key: 'intervention',
        title: { en: 'Intervention', de: 'Intervention' },
        instruction: 'What the clinician did towards those goals.',
      },
      {
        key: 'response',
        title: { en: 'Response', de: 'Reaktion' },
        instruction: 'How the patient responded.',
      },
      { key: 'plan', title: { en: 'Plan', de: 'Plan' }, instruction: 'Next steps towards the goals.' },
    ],
  },
}

/** Appended to every template, as MediNotes does: next steps, then a letter the patient can read. */
const CLOSING: Localised[] = [
  {
    key: 'next_steps',
    title: { en: 'Next steps', de: 'Nächste Schritte' },
    instruction: 'A short list of concrete next steps for the clinician (follow-ups, documents, referrals).',
  },
  {
    key: 'patient_letter',
    title: { en: 'Letter to the patient', de: 'Brief an die Patientin / den Patienten' },
    instruction:
      'A short, warm, patient-friendly letter or email summarising the session and the agreed next steps, free of jargon and of diagnoses the patient was not told. Address the patient only by the reference given, or neutrally.',
  },
]

export interface TemplateSummary {
  /** `soap` … or a clinic template's id. */
  key: string
  name: string
  builtIn: boolean
  sections: TemplateSection[]
  updatedAt: string | null
}

function localise(sections: Localised[], locale: NoteLocale): TemplateSection[] {
  return sections.map((section) => ({
    key: section.key,
    title: section.title[locale],
    instruction: section.instruction,
  }))
}

export function builtInTemplates(locale: NoteLocale): TemplateSummary[] {
  return BUILT_IN_TEMPLATE_KEYS.map((key) => ({
    key,
    name: BUILT_IN[key].name,
    builtIn: true,
    sections: localise(BUILT_IN[key].sections, locale),
    updatedAt: null,
  }))
}

/** The built-ins and the clinic's own, for the form's choice. */
export async function listTemplates(
  tx: Tx,
  clinic: ClinicCaller,
  locale: NoteLocale,
): Promise<TemplateSummary[]> {
  const rows = await tx
    .select()
    .from(noteTemplates)
    .where(eq(noteTemplates.tenantId, clinic.tenantId))
    .orderBy(asc(noteTemplates.name), asc(noteTemplates.id))
  return [...builtInTemplates(locale), ...rows.map(toSummary)]
}

/** A template's name and its sections with the closing ones; null when the clinic has no such template. */
export async function resolveTemplate(
  tx: Tx,
  clinic: ClinicCaller,
  key: string,
  locale: NoteLocale,
): Promise<{ key: string; name: string; sections: TemplateSection[] } | null> {
  const closing = localise(CLOSING, locale)
  if ((BUILT_IN_TEMPLATE_KEYS as readonly string[]).includes(key)) {
    const builtIn = BUILT_IN[key as BuiltInTemplateKey]
    return { key, name: builtIn.name, sections: [...localise(builtIn.sections, locale), ...closing] }
  }
  const [row] = await tx
    .select()
    .from(noteTemplates)
    .where(and(eq(noteTemplates.tenantId, clinic.tenantId), eq(noteTemplates.id, key)))
  if (!row) return null
  const own = row.sections.filter((section) => !CLOSING.some((c) => c.key === section.key))
  return { key: row.id, name: row.name, sections: [...own, ...closing] }
}

export class TemplateLimitError extends Error {}

export interface TemplateInput {
  name: string
  sections: TemplateSection[]
}

export async function createTemplate(
  tx: Tx,
  admin: Caller,
  input: TemplateInput,
  meta: { requestId?: string },
) {
  const [existing] = await tx
    .select({ n: count() })
    .from(noteTemplates)
    .where(eq(noteTemplates.tenantId, admin.tenantId))
  if ((existing?.n ?? 0) >= MAX_CLINIC_TEMPLATES) throw new TemplateLimitError()
  const [row] = await tx
    .insert(noteTemplates)
    .values({
      tenantId: admin.tenantId,
      name: input.name,
      sections: input.sections,
      actorUserId: admin.userId,
    })
    .returning()
  await audit(tx, admin, 'note_template.created', row!.id, meta)
  return toSummary(row!)
}

export async function updateTemplate(
  tx: Tx,
  admin: Caller,
  input: { templateId: string } & Partial<TemplateInput>,
  meta: { requestId?: string },
): Promise<TemplateSummary | null> {
  const [row] = await tx
    .update(noteTemplates)
    .set({
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.sections !== undefined ? { sections: input.sections } : {}),
      updatedAt: new Date(),
    })
    .where(and(eq(noteTemplates.tenantId, admin.tenantId), eq(noteTemplates.id, input.templateId)))
    .returning()
  if (!row) return null
  await audit(tx, admin, 'note_template.updated', row.id, meta)
  return toSummary(row)
}

/** Notes made with it keep their copy of its sections. */
export async function deleteTemplate(
  tx: Tx,
  admin: Caller,
  input: { templateId: string },
  meta: { requestId?: string },
) {
  const [row] = await tx
    .delete(noteTemplates)
    .where(and(eq(noteTemplates.tenantId, admin.tenantId), eq(noteTemplates.id, input.templateId)))
    .returning({ id: noteTemplates.id })
  if (!row) return null
  await audit(tx, admin, 'note_template.deleted', row.id, meta)
  return { id: row.id }
}

function audit(tx: Tx, admin: Caller, action: string, id: string, meta: { requestId?: string }) {
  return recordAuditEvent(tx, {
    tenantId: admin.tenantId,
    actorUserId: admin.userId,
    action,
    targetType: 'note_template',
    targetId: id,
    requestId: meta.requestId,
  })
}

function toSummary(row: typeof noteTemplates.$inferSelect): TemplateSummary {
  return {
    key: row.id,
    name: row.name,
    builtIn: false,
    sections: row.sections,
    updatedAt: row.updatedAt.toISOString(),
  }
}
