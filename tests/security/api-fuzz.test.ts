// Property-based fuzzing of every procedure's input, generated from the router:
// hostile strings (huge, control characters, SQL and HTML fragments), wrong
// types, huge numbers, nested objects and null. Never a 5xx; and no row that is
// not the caller's own new work changes (ids are random, so nothing existing is hit).
import { randomUUID } from 'node:crypto'
import { TRPCError } from '@trpc/server'
import fc from 'fast-check'
import type postgres from 'postgres'
import { beforeAll, describe, expect, it } from 'vitest'
import { type TestApi, useApiTestBed } from '#tests/support/caller.ts'
import { type FixtureUser, type TwoClinics } from '#tests/support/fixtures.ts'
import {
  baseType,
  buildInput,
  callPath,
  idFields,
  listProcedures,
  objectShape,
  type ProcedureInfo,
} from '#tests/support/procedures.ts'
import { snapshotTables, type TableInfo } from '#tests/support/snapshot.ts'

const RUNS_PER_PROCEDURE = 30

const bed = useApiTestBed()
let api: TestApi, fixture: TwoClinics, owner: postgres.Sql
beforeAll(() => void ({ api, fixture, owner } = bed))

const controlCharacters = Array.from({ length: 32 }, (_, code) => String.fromCharCode(code)).concat([
  '\u007f',
  '\u0085',
  '\u2028',
  '\u202e',
  '\ufeff',
])

const fragments = [
  "'; drop table conversations; --",
  "' or '1'='1",
  '" or 1=1 --',
  "'); select pg_sleep(5); --",
  '\\x00',
  '\u0000',
  'a\u0000b',
  '$1',
  '%s%s%n',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '</b><b>',
  '{{7*7}}',
  '${process.exit()}',
  '../../etc/passwd',
  '\uE000forged\uE001',
  'a:* & !b | (c <-> d)',
  '"unterminated',
  '\ud800',
  'null',
  '__proto__',
  '00000000-0000-0000-0000-000000000000',
]

// Short strings with hostile content are what pass length checks and reach the
// database, so they are the most frequent.
const hostileString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...fragments) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.string({ maxLength: 10 }),
        fc.constantFrom('\u0000', ...controlCharacters),
        fc.string({ maxLength: 10 }),
      )
      .map((parts) => parts.join('')),
  },
  {
    weight: 3,
    arbitrary: fc
      .array(
        fc.oneof(
          fc.constantFrom(...fragments),
          fc.constantFrom(...controlCharacters),
          fc.string({ maxLength: 5 }),
        ),
        { minLength: 1, maxLength: 5 },
      )
      .map((parts) => parts.join('')),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 20_000 }).map((n) => 'x'.repeat(n)) },
  { weight: 1, arbitrary: fc.constant('ü'.repeat(100_001)) },
)

const hostileNumber = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(
    0,
    -1,
    -0,
    Number.MAX_SAFE_INTEGER + 2,
    2 ** 63,
    1e308,
    -1e308,
    Number.POSITIVE_INFINITY,
    Number.NaN,
    10_000_000_001,
  ),
)

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  { weight: 2, arbitrary: hostileNumber },
  { weight: 2, arbitrary: fc.uuid() },
  { weight: 1, arbitrary: fc.constantFrom(null, undefined, true, false, [], {}) },
  { weight: 1, arbitrary: fc.anything({ maxDepth: 4, maxKeys: 5 }) },
  { weight: 1, arbitrary: fc.bigInt() },
  {
    weight: 1,
    arbitrary: fc.letrec((tie) => ({
      nested: fc.oneof(
        { depthSize: 'small' },
        fc.constant('leaf'),
        fc.dictionary(fc.constantFrom('a', 'id', '$where', 'constructor'), tie('nested'), { maxKeys: 3 }),
        fc.array(tie('nested'), { maxLength: 3 }),
      ),
    })).nested,
  },
)

/** Values that have broken servers before, tried on every field of every procedure (besides the random ones). */
const edgeValues: unknown[] = [
  'a\u0000b',
  '\u0007\u001b[31m',
  "'; drop table folders; --",
  '<img src=x onerror=alert(1)>',
  '\u202egnp.exe',
  'x'.repeat(10_000),
  Number.NaN,
  Number.POSITIVE_INFINITY,
  1e308,
  -1,
  2 ** 63,
  null,
  {},
  ['a'],
  { nested: { deeper: ['x'] } },
]

/** A valid input with random ids: hostile values are put into it one field at a time, so they get past the others. */
function baseInput(procedure: ProcedureInfo): Record<string, unknown> | undefined {
  const ids = Object.fromEntries(idFields(procedure.input).map((field) => [field, randomUUID()]))
  const built = buildInput(procedure.input, ids, { fillOptional: true })
  if (!built.ok)
    throw new Error(`${procedure.path}: cannot build a valid input to fuzz from (${built.reason})`)
  return built.value as Record<string, unknown> | undefined
}

function hostileFor(field: Parameters<typeof baseType>[0]): fc.Arbitrary<unknown> {
  const type = baseType(field)
  if (type === 'string')
    return fc.oneof({ weight: 3, arbitrary: hostileString }, { weight: 1, arbitrary: hostileValue })
  if (type === 'number')
    return fc.oneof({ weight: 3, arbitrary: hostileNumber }, { weight: 1, arbitrary: hostileValue })
  return hostileValue
}

/**
 * Inputs shaped like the procedure's: each field kept valid, made hostile (for
 * its type, mostly), or left out; ids always random or hostile, so no existing
 * row is ever hit. Sometimes not shaped at all.
 */
function inputFor(
  procedure: ProcedureInfo,
  base: Record<string, unknown> | undefined,
): fc.Arbitrary<unknown> {
  const shape = objectShape(procedure.input) ?? {}
  const ids = new Set(idFields(procedure.input))
  const fields = Object.entries(shape).map(([key, field]) => {
    const value = ids.has(key)
      ? fc.oneof({ weight: 3, arbitrary: fc.uuid() }, { weight: 2, arbitrary: hostileFor(field) })
      : fc.oneof(
          { weight: 2, arbitrary: fc.constant(base?.[key]) },
          { weight: 3, arbitrary: hostileFor(field) },
          { weight: 1, arbitrary: fc.constant(undefined) },
        )
    return [key, value] as const
  })
  const shaped = fc
    .tuple(
      fc.record(Object.fromEntries(fields)),
      // Keys the server must ignore: nobody chooses their clinic or owner by input.
      fc.dictionary(
        fc.constantFrom('tenantId', 'ownerUserId', 'userId', 'role', '__proto__', 'constructor'),
        hostileValue,
        {
          maxKeys: 2,
        },
      ),
    )
    .map(([known, extra]) => ({ ...extra, ...known }))
  return fc.oneof({ weight: 4, arbitrary: shaped }, { weight: 1, arbitrary: hostileValue })
}

/** Every edge value in every field of an otherwise valid input, and a few inputs of the wrong shape entirely. */
function examplesFor(procedure: ProcedureInfo, base: Record<string, unknown> | undefined): Array<[unknown]> {
  const keys = Object.keys(objectShape(procedure.input) ?? {})
  const perField = keys.flatMap((key) => edgeValues.map((edge): [unknown] => [{ ...base, [key]: edge }]))
  return [...perField, [null], [undefined], ['a\u0000b'], [[base]], [42]]
}

/** Whatever the outcome, never a server error, and an error is always a TRPCError. */
async function callSafely(caller: FixtureUser, procedure: ProcedureInfo, input: unknown) {
  try {
    await callPath(api.as(caller), procedure.path, input)
  } catch (error) {
    if (!(error instanceof TRPCError))
      throw new Error(`${procedure.path} threw a non-tRPC error: ${String(error)}`, { cause: error })
    if (error.code === 'INTERNAL_SERVER_ERROR') {
      throw new Error(
        `${procedure.path} answered 500 for ${JSON.stringify(input)?.slice(0, 300)}: ${String(error.cause)}`,
        { cause: error },
      )
    }
  }
}

/** Over HTTP too: what a script sends is JSON, and the answer must never be a 5xx. */
async function httpSafely(caller: FixtureUser, procedure: ProcedureInfo, input: unknown) {
  if (procedure.type === 'subscription') return
  let json: string | undefined
  try {
    json = JSON.stringify(input)
  } catch {
    return // not representable in JSON (a bigint): a script cannot send it
  }
  if (procedure.type === 'query' && json && json.length > 50_000) return // beyond any URL limit
  const { status } = await api.http(
    caller,
    procedure.type,
    procedure.path,
    input === undefined ? undefined : JSON.parse(json ?? 'null'),
  )
  expect(status, `${procedure.path} over HTTP with ${json?.slice(0, 200)}`).toBeLessThan(500)
}

/**
 * Rows that must not change: all of them, except rows the caller created during the run, the
 * caller's own person row (their preferences) and, for an admin, their clinic's settings.
 */
function othersRows(caller: FixtureUser, since: string) {
  return (table: TableInfo) => {
    if (table.name === 'tenants') return caller.role === 'admin' ? `id <> '${caller.tenantId}'` : null
    if (table.name === 'users') return `id <> '${caller.userId}'`
    if (!table.ownerColumn) return null
    return `not ("${table.ownerColumn}" = '${caller.userId}' and created_at >= '${since}'::timestamptz)`
  }
}

describe.each(listProcedures().map((procedure) => [procedure.path, procedure] as const))(
  '%s',
  (_path, procedure) => {
    it(`survives edge values in every field and ${RUNS_PER_PROCEDURE} random hostile inputs: no 5xx, no change to anyone else's data`, async () => {
      const caller = procedure.adminOnly ? fixture.aAdmin : fixture.a1
      const [{ now }] = (await owner`select now()::text as now`) as unknown as [{ now: string }]
      const guard = othersRows(caller, now)
      const before = await snapshotTables(owner, guard)
      const base = baseInput(procedure)
      const examples = examplesFor(procedure, base)
      let calls = 0
      await fc.assert(
        fc.asyncProperty(inputFor(procedure, base), async (input) => {
          calls++
          await callSafely(caller, procedure, input)
          await httpSafely(caller, procedure, input)
        }),
        // fast-check counts the examples within numRuns.
        { numRuns: RUNS_PER_PROCEDURE + examples.length, examples },
      )
      expect(calls).toBe(RUNS_PER_PROCEDURE + examples.length)
      expect(await snapshotTables(owner, guard)).toEqual(before)
    })
  },
)

describe('admin procedures under fuzzing', () => {
  it('also refuses hostile input to admin procedures from a therapist, before anything runs', async () => {
    const admin = listProcedures().filter((procedure) => procedure.adminOnly)
    expect(admin.length).toBeGreaterThan(0)
    const before = await snapshotTables(owner)
    for (const procedure of admin) {
      await fc.assert(
        fc.asyncProperty(inputFor(procedure, baseInput(procedure)), async (input) => {
          const outcome = await callPath(api.as(fixture.a1), procedure.path, input).then(
            () => 'ok',
            (error: unknown) => (error instanceof TRPCError ? error.code : 'crash'),
          )
          // Refused as a therapist, or as bad input first: never run, never a crash.
          expect(['FORBIDDEN', 'BAD_REQUEST']).toContain(outcome)
        }),
        { numRuns: 10 },
      )
    }
    expect(await snapshotTables(owner)).toEqual(before)
  })
})
