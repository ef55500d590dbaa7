// Plain-HTTP calls to /api/trpc, as a script in any language would make them.
export interface TrpcHttpResult<T = unknown> {
  status: number
  data?: T
  error?: {
    message: string
    code: number
    data: { code: string; httpStatus: number; fieldErrors?: Record<string, string[]> }
  }
}

export async function trpcCall<T = unknown>(
  baseUrl: string,
  kind: 'query' | 'mutation',
  path: string,
  input: unknown,
  headers: Record<string, string>,
): Promise<TrpcHttpResult<T>> {
  const url = new URL(`/api/trpc/${path}`, baseUrl)
  let response: Response
  if (kind === 'query') {
    if (input !== undefined) url.searchParams.set('input', JSON.stringify(input))
    response = await fetch(url, { headers })
  } else {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(input ?? null),
    })
  }
  const body = (await response.json()) as { result?: { data: T }; error?: TrpcHttpResult['error'] }
  return { status: response.status, data: body.result?.data, error: body.error }
}
