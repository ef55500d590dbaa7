import { z } from 'zod'
import {
  createTemplate,
  deleteTemplate,
  MAX_TEMPLATE_SECTIONS,
  TemplateLimitError,
  updateTemplate,
} from '#server/services/notes/templates.ts'
import { adminProcedure, router } from '../init.ts'
import { apiError } from '../errors.ts'

const line = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'required')
    .max(max)
    .regex(/^[^\p{Cc}]*$/u, 'control_characters')

const section = z.object({
  /** Lower-case letters, digits and `_`; unique within the template. */
  key: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'invalid_format'),
  title: line(80),
  /** A short instruction for the model: what this section holds. */
  instruction: line(1000),
})
const sections = z
  .array(section)
  .min(1)
  .max(MAX_TEMPLATE_SECTIONS)
  .refine((list) => new Set(list.map((s) => s.key)).size === list.length, 'invalid_value')

const templateId = z.uuid()

function found<T>(value: T | null): T {
  if (value === null) throw apiError('template_not_found')
  return value
}

export const adminNoteTemplatesRouter = router({
  /**
   * Defines a clinic template: a name and its sections, each with a short instruction for the
   * model. Every note made with it also gets "next steps" and a letter to the patient. Audited.
   */
  create: adminProcedure.input(z.object({ name: line(80), sections })).mutation(async ({ ctx, input }) => {
    try {
      return await createTemplate(ctx.tx, ctx.identity, input, { requestId: ctx.requestId })
    } catch (error) {
      if (error instanceof TemplateLimitError) throw apiError('template_limit')
      throw error
    }
  }),

  /** Changes a clinic template's name or sections; notes made with it keep their copy. */
  update: adminProcedure
    .input(z.object({ templateId, name: line(80).optional(), sections: sections.optional() }))
    .mutation(async ({ ctx, input }) =>
      found(await updateTemplate(ctx.tx, ctx.identity, input, { requestId: ctx.requestId })),
    ),

  /** Deletes a clinic template; notes made with it keep their sections. */
  delete: adminProcedure
    .input(z.object({ templateId }))
    .mutation(async ({ ctx, input }) =>
      found(await deleteTemplate(ctx.tx, ctx.identity, input, { requestId: ctx.requestId })),
    ),
})
