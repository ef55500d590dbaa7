import { z } from 'zod'
import { getSettings, updateSettings } from '#server/services/settings/settings.ts'
import { adminProcedure, router } from '../init.ts'
import { apiError } from '../errors.ts'

function found<T>(value: T | null): T {
  // The caller's own clinic always exists; this is a deleted-underneath race.
  if (value === null) throw apiError('clinic_not_found')
  return value
}

const settingsInput = z.object({
  displayName: z
    .string()
    .trim()
    .min(1, 'required')
    .max(120)
    .regex(/^[^\p{Cc}]*$/u, 'control_characters')
    .optional(),
  modelDeployment: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, 'invalid_format')
    .nullable()
    .optional(),
  systemPrompt: z
    .string()
    .max(8000)
    // Line breaks and tabs shape a prompt; other control characters are refused.
    .regex(/^(?:[^\p{Cc}]|[\t\n\r])*$/u, 'control_characters')
    .nullable()
    .optional(),
  monthlyTokenBudget: z.number().int().min(0).max(10_000_000_000).optional(),
  retentionDays: z.number().int().min(1).max(3650).nullable().optional(),
  defaultLocale: z.enum(['de', 'en']).optional(),
  /** Years a signed consultation note is kept; the law's ten at least. */
  noteRetentionYears: z.number().int().min(10).max(100).optional(),
})

export const adminSettingsRouter = router({
  /**
   * The caller's clinic's settings: name, model deployment, system prompt, monthly token budget,
   * retention, default language (`de` or `en`, for everyone who has not chosen one) and how many
   * years signed consultation notes are kept (`noteRetentionYears`, ten by default). Admins only.
   */
  get: adminProcedure.query(async ({ ctx }) => found(await getSettings(ctx.tx, ctx.identity))),

  /** Changes the given fields only; the audit trail records which fields changed, not their values. */
  update: adminProcedure
    .input(settingsInput)
    .mutation(async ({ ctx, input }) =>
      found(await updateSettings(ctx.tx, ctx.identity, input, { requestId: ctx.requestId })),
    ),
})
