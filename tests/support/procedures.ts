// The router, enumerated: every procedure with its path, kind and input schema,
// plus a builder that derives a valid input from a zod schema. The security
// tests walk this list, so a new procedure is covered without editing them.
import { randomUUID } from 'node:crypto'
import type { z } from 'zod'
import type { ProcedureMeta } from '#server/trpc/init.ts'
import { appRouter } from '#server/trpc/root.ts'
import type { Caller } from './caller.ts'

type Schema = z.core.$ZodType
type Def = { type: string; [key: string]: unknown }

export interface ProcedureInfo {
  path: string
  type: 'query' | 'mutation' | 'subscription'
  /** The input schema; undefined when the procedure takes no input. */
  input: Schema | undefined
  /** Built on adminProcedure: the kind its meta carries (server/trpc/init.ts), not where it sits in the router. */
  adminOnly: boolean
}

export function listProcedures(): ProcedureInfo[] {
  // The typed record nests routers; at runtime `procedures` is flat, keyed by dotted path.
  const procedures = appRouter._def.procedures as unknown as Record<
    string,
    { _def: { type: ProcedureInfo['type']; inputs: unknown[]; meta?: Partial<ProcedureMeta> } }
  >
  return Object.entries(procedures).map(([path, procedure]) => {
    if (procedure._def.inputs.length > 1) {
      throw new Error(`${path}: chained .input() calls are not understood by the security tests`)
    }
    const kind = procedure._def.meta?.kind
    if (!kind) throw new Error(`${path}: not built on a procedure kind from server/trpc/init.ts`)
    return {
      path,
      type: procedure._def.type,
      input: procedure._def.inputs[0] as Schema | undefined,
      adminOnly: kind === 'admin',
    }
  })
}

/** Calls a procedure by its dotted path through a caller. */
export function callPath(caller: Caller, path: string, input: unknown): Promise<unknown> {
  const fn = path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller)
  if (typeof fn !== 'function') throw new Error(`${path} is not callable on the caller`)
  return (fn as (input: unknown) => Promise<unknown>)(input)
}

const defOf = (schema: Schema): Def => (schema as unknown as { _zod: { def: Def } })._zod.def

/** The object shape behind wrappers (optional, default, prefault, pipe), or null. */
export function objectShape(schema: Schema | undefined): Record<string, Schema> | null {
  if (!schema) return null
  const def = defOf(schema)
  if (def.type === 'object') return def.shape as Record<string, Schema>
  if (['optional', 'nullable', 'default', 'prefault', 'readonly', 'nonoptional'].includes(def.type)) {
    return objectShape(def.innerType as Schema)
  }
  if (def.type === 'pipe') return objectShape(def.in as Schema)
  return null
}

/** The type under wrappers: `string` for an optional nullable string, and so on. */
export function baseType(schema: Schema): string {
  const def = defOf(schema)
  if (
    ['optional', 'nullable', 'default', 'prefault', 'readonly', 'nonoptional', 'catch'].includes(def.type)
  ) {
    return baseType(def.innerType as Schema)
  }
  if (def.type === 'pipe') return baseType(def.in as Schema)
  return def.type
}

/** Input fields that name a row: `id` or anything ending in `Id`. */
export function idFields(schema: Schema | undefined): string[] {
  return Object.keys(objectShape(schema) ?? {}).filter((key) => key === 'id' || /Id$/.test(key))
}

const accepts = (schema: Schema, value: unknown) =>
  (schema as unknown as { safeParse(v: unknown): { success: boolean } }).safeParse(value).success

/** Sample values for one schema, most plausible first; callers keep the first the schema accepts. */
function candidates(schema: Schema): unknown[] {
  const def = defOf(schema)
  const bag = schema as unknown as Record<string, unknown>
  switch (def.type) {
    case 'string': {
      if (bag.format === 'uuid' || bag.format === 'guid') return [randomUUID()]
      if (bag.format === 'email') return ['someone@example.test']
      const min = Math.max(Number(bag.minLength ?? 1), 1)
      return ['sample', 'Sample-1', 'a'.repeat(min), '1'.repeat(min)]
    }
    case 'number': {
      const min = typeof bag.minValue === 'number' && Number.isFinite(bag.minValue) ? bag.minValue : 1
      return [1, min, Math.max(min, 1)]
    }
    case 'bigint':
      return [1n]
    case 'boolean':
      return [true, false]
    case 'enum':
      return Object.values(def.entries as Record<string, unknown>)
    case 'literal':
      return [...(def.values as unknown[])]
    case 'null':
      return [null]
    case 'optional':
    case 'nonoptional':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
      return candidates(def.innerType as Schema)
    case 'nullable':
      return [...candidates(def.innerType as Schema), null]
    case 'union':
      return (def.options as Schema[]).flatMap(candidates)
    case 'pipe':
      return candidates(def.in as Schema)
    case 'array':
      return [[], [candidates(def.element as Schema)[0]]]
    case 'record':
      return [{}]
    case 'object': {
      const built = buildInput(schema)
      return built.ok ? [built.value] : []
    }
    default:
      return []
  }
}

export type Built = { ok: true; value: unknown } | { ok: false; reason: string }

/**
 * A valid input for the schema: `overrides` for the fields named in it, a
 * plausible sample for every other required field, optional fields left out
 * (or filled in when the schema needs them, or when asked). Fails with a reason, never guesses.
 */
export function buildInput(
  schema: Schema | undefined,
  overrides: Record<string, unknown> = {},
  options: { fillOptional?: boolean } = {},
): Built {
  if (!schema) return { ok: true, value: undefined }
  const shape = objectShape(schema)
  if (!shape) {
    const value = candidates(schema).find((candidate) => accepts(schema, candidate))
    return value === undefined
      ? { ok: false, reason: `no sample for a ${defOf(schema).type} input` }
      : { ok: true, value }
  }
  for (const fillOptional of options.fillOptional ? [true] : [false, true]) {
    const value: Record<string, unknown> = {}
    let missing: string | null = null
    for (const [key, field] of Object.entries(shape)) {
      if (key in overrides) {
        value[key] = overrides[key]
        continue
      }
      if (!fillOptional && accepts(field, undefined)) continue
      const sample = candidates(field).find((candidate) => accepts(field, candidate))
      if (sample === undefined) {
        missing = `field "${key}" (${defOf(field).type})`
        break
      }
      value[key] = sample
    }
    if (!missing && accepts(schema, value)) return { ok: true, value }
    if (fillOptional) {
      return { ok: false, reason: missing ? `cannot sample ${missing}` : 'the built input does not validate' }
    }
  }
  return { ok: false, reason: 'unreachable' }
}
