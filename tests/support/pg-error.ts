/** The SQLSTATE of a failed query, whether postgres.js threw it or Drizzle wrapped it. */
export function sqlState(error: unknown): string | undefined {
  let current: unknown = error
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    if ('code' in current && typeof current.code === 'string' && /^[0-9A-Z]{5}$/.test(current.code)) {
      return current.code
    }
    current = 'cause' in current ? current.cause : undefined
  }
  return undefined
}

/** Runs `work` and returns the SQLSTATE it failed with; fails the test if it succeeded. */
export async function expectSqlState(work: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await work()
  } catch (error) {
    return sqlState(error)
  }
  throw new Error('expected the statement to fail, but it succeeded')
}
