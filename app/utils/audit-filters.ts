// The audit trail's filters read from a URL: a value that is not in the expected
// form is left out (the procedure checks the rest), so a mangled link shows more, not an error.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const ACTION = /^[a-z][a-z0-9_.]{2,63}$/
const DAY = /^\d{4}-\d{2}-\d{2}$/

export function readAuditFilters(params: URLSearchParams) {
  const take = (name: string, pattern: RegExp) => {
    const value = params.get(name)
    return value && pattern.test(value) ? value : null
  }
  return {
    actor: take('actor', UUID),
    action: take('action', ACTION),
    from: take('from', DAY),
    to: take('to', DAY),
  }
}

/** The same filters as a query string, without empty ones. */
export function auditFilterSearch(
  filters: ReturnType<typeof readAuditFilters>,
  extra: Record<string, string> = {},
) {
  const search = new URLSearchParams()
  for (const [key, value] of Object.entries({ ...filters, ...extra })) if (value) search.set(key, value)
  const text = search.toString()
  return text ? `?${text}` : ''
}
