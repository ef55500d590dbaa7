import { TRPCError } from '@trpc/server'
import { z } from 'zod'
import { getSettings, updateSettings } from '#server/services/settings/settings.ts'
import { adminProcedure, router } from '../init.ts'

function found<T>(value: T | null): T {
  // The caller's own clinic always exists; this is a deleted-underneath race.
  if (value === null) throw new TRPCError({ code: 'NOT_FOUND', message: 'Clinic not found.' })
  return value
}

const settingsInput = z.object({
  displayName: z
    .string()
    .trim()
    .min(1, 'Give the clinic a name')
    .max(120)
    .regex(/^[^\p{Cc}]*$/u, 'No control characters')
    .optional(),
  modelDeployment: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, 'Letters, digits, dot, underscore and hyphen; at most 64')
    .nullable()
    .optional(),
  systemPrompt: z
    .string()
    .max(8000)
    // Line breaks and tabs shape a prompt; other control characters are refused.
    .regex(/^(?:[^\p{Cc}]|[\t\n\r])*$/u, 'No control characters')
    .nullable()
    .optional(),
  monthlyTokenBudget: z.number().int().min(0).max(10_000_000_000).optional(),
  /** Conversations idle for longer are deleted daily; at least a week, so a holiday never costs anyone their work. */
  retentionDays: z.number().int().min(7, 'At least 7 days').max(3650).nullable().optional(),
})

export const adminSettingsRouter = router({
  /**
   * The caller's clinic's settings: name, model deployment, system prompt, monthly token budget and
   * retention. Admins only.
   */
  get: adminProcedure.query(async ({ ctx }) => found(await getSettings(ctx.tx, ctx.identity))),

  /** Changes the given fields only; the audit trail records which fields changed, not their values. */
  update: adminProcedure
    .input(settingsInput)
    .mutation(async ({ ctx, input }) =>
      found(await updateSettings(ctx.tx, ctx.identity, input, { requestId: ctx.requestId })),
    ),
})
