import { TRPCError } from '@trpc/server'
import { z } from 'zod'
import { DEPLOYMENT_NAME } from '#server/config/env.ts'
import { DEFAULT_SYSTEM_PROMPT } from '#server/llm/prompt.ts'
import { getSettings, updateSettings } from '#server/services/settings/settings.ts'
import { adminProcedure, router } from '../init.ts'
import { apiError } from '../errors.ts'

function found<T>(value: T | null): T {
  // The caller's own clinic always exists; this is a deleted-underneath race.
  if (value === null) throw apiError('clinic_not_found')
  return value
}

/** The least retention period: shorter would delete conversations while they are still in use. */
export const MIN_RETENTION_DAYS = 7
/** A clinic's words never to send: enough for its streets and people, bounded for every prompt's sake. */
export const MAX_NEVER_SEND_TERMS = 100
export const MAX_NEVER_SEND_TERM_LENGTH = 100

const settingsInput = z.object({
  displayName: z
    .string()
    .trim()
    .min(1, 'required')
    .max(120)
    .regex(/^[^\p{Cc}]*$/u, 'control_characters')
    .optional(),
  /** One of the operator's deployments (`deployments` in `get`); null for the server's default. */
  modelDeployment: z.string().regex(DEPLOYMENT_NAME, 'invalid_format').nullable().optional(),
  systemPrompt: z
    .string()
    .max(8000)
    // Line breaks and tabs shape a prompt; other control characters are refused.
    .regex(/^(?:[^\p{Cc}]|[\t\n\r])*$/u, 'control_characters')
    .nullable()
    .optional(),
  monthlyTokenBudget: z.number().int().min(0).max(10_000_000_000).optional(),
  userMonthlyTokenCap: z.number().int().min(1).max(10_000_000_000).nullable().optional(),
  /** Conversations idle for longer are deleted daily; at least a week, so a holiday never costs anyone their work. */
  retentionDays: z.number().int().min(MIN_RETENTION_DAYS).max(3650).nullable().optional(),
  defaultLocale: z.enum(['de', 'en']).optional(),
  /** Years a signed consultation note is kept; the law's ten at least. */
  noteRetentionYears: z.number().int().min(10).max(100).optional(),
  /** Replace patient details by placeholders before any prompt leaves the server. */
  pseudonymise: z.boolean().optional(),
  /** Whole words or phrases never sent as they are (case-insensitive); duplicates are dropped. */
  neverSendTerms: z
    .array(
      z
        .string()
        .trim()
        .min(2, 'too_short')
        .max(MAX_NEVER_SEND_TERM_LENGTH)
        .regex(/^[^\p{Cc}]*$/u, 'control_characters'),
    )
    .max(MAX_NEVER_SEND_TERMS)
    .transform((terms) => [...new Map(terms.map((term) => [term.toLowerCase(), term])).values()])
    .optional(),
})

export const adminSettingsRouter = router({
  /**
   * The caller's clinic's settings: name, model deployment, system prompt, monthly token budget, the
   * optional monthly cap per person, retention, default language (`de` or `en`, for everyone who
   * has not chosen one) and how many years signed consultation notes are kept (`noteRetentionYears`,
   * ten by default); with `options`, the deployments the operator allows, the server's default
   * deployment and the built-in system prompt used when the clinic sets none; whether patient
   * details are pseudonymised before any prompt leaves (`pseudonymise`, on by default) and the
   * clinic's own words never to send (`neverSendTerms`). Admins only.
   */
  get: adminProcedure.query(async ({ ctx }) => ({
    ...found(await getSettings(ctx.tx, ctx.identity)),
    options: {
      deployments: ctx.services.config.llm.deployments,
      defaultDeployment: ctx.services.llm.defaultDeployment,
      defaultSystemPrompt: DEFAULT_SYSTEM_PROMPT,
    },
  })),

  /**
   * Changes the given fields only; the audit trail records which fields changed, not their values.
   * A deployment the operator does not allow is refused as a field error (`invalid_value`); the
   * retention period is at least 7 days, or null to keep conversations. Takes effect on the next
   * chat request.
   */
  update: adminProcedure.input(settingsInput).mutation(async ({ ctx, input }) => {
    const allowed = ctx.services.config.llm.deployments
    const checked = z
      .object({ modelDeployment: z.string().refine((name) => allowed.includes(name), 'invalid_value') })
      .partial()
      .safeParse({ modelDeployment: input.modelDeployment ?? undefined })
    // The same field error as any other bad input; the server's list is not free text's way to Azure.
    if (!checked.success) throw new TRPCError({ code: 'BAD_REQUEST', cause: checked.error })
    return found(await updateSettings(ctx.tx, ctx.identity, input, { requestId: ctx.requestId }))
  }),
})
