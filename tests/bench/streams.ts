// The benchmarks' chat load client: answers through the app and straight from the model, timed
// to their first token, plus what an app process costs (CPU time and resident memory, read from
// /proc, so the figures are the app's alone, not the client's). The client reads each stream
// with a small window over chunk boundaries, so its own cost does not grow with the answer.
import { readFileSync } from 'node:fs'
import { AzureOpenAI } from 'openai'
import type postgres from 'postgres'

export const quantile = (values: number[], q: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil(values.length * q) - 1)]!

/** Milliseconds to the first `delta` event of one chat answer through the app; throws unless it completes. */
export async function firstTokenViaApp(
  baseUrl: string,
  cookie: string,
  conversationId: string,
  content: string,
  /** Hang up at the first token (the answer is then stored `stopped`) instead of reading to the end. */
  options: { untilFirst?: boolean } = {},
): Promise<number> {
  const started = performance.now()
  const hangUp = new AbortController()
  const response = await fetch(`${baseUrl}/api/chat/${conversationId}`, {
    method: 'POST',
    headers: { cookie, origin: baseUrl, 'content-type': 'application/json' },
    body: JSON.stringify({ content }),
    signal: hangUp.signal,
  })
  if (response.status !== 200) throw new Error(`a benchmark answer was refused (${response.status})`)
  const reader = response.body!.getReader()
  const decoder = new TextDecoder()
  let window = ''
  let first = 0
  let done = false
  for (;;) {
    const { value, done: ended } = await reader.read()
    if (ended) break
    window = window.slice(-16) + decoder.decode(value, { stream: true })
    if (!first && window.includes('event: delta')) {
      first = performance.now() - started
      if (options.untilFirst) {
        hangUp.abort()
        return first
      }
    }
    if (window.includes('event: done')) done = true
  }
  if (!done) throw new Error('a benchmark answer did not complete')
  return first
}

/** Milliseconds to the first token of the same kind of answer asked of the model directly. */
export function directClient(simulatorUrl: string) {
  const model = new AzureOpenAI({ endpoint: simulatorUrl, apiKey: 'bench-key', apiVersion: '2024-10-21' })
  return async (content: string, options: { untilFirst?: boolean } = {}) => {
    const started = performance.now()
    const stream = await model.chat.completions.create({
      model: 'gpt-4o-mini',
      stream: true,
      messages: [{ role: 'user', content }],
    })
    let first = 0
    for await (const chunk of stream) {
      if (!first && chunk.choices[0]?.delta?.content) {
        first = performance.now() - started
        if (options.untilFirst) break
      }
    }
    return first
  }
}

/** CPU seconds (user + system) a process has used so far. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  // utime and stime are fields 14 and 15 of the whole line, in clock ticks (100 per second on Linux).
  return (Number(fields[11]) + Number(fields[12])) / 100
}

/** A process's resident memory in bytes. */
export function rssBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return Number(match?.[1] ?? 0) * 1024
}

/**
 * Opens one slow answer per conversation and waits for each one's first token; `release()`
 * hangs them all up (each is then stored `stopped`).
 */
export async function holdStreams(baseUrl: string, cookie: string, conversationIds: string[]) {
  const aborts = conversationIds.map(() => new AbortController())
  let begun = 0
  let failed = 0
  await Promise.all(
    conversationIds.map(async (conversationId, index) => {
      try {
        const response = await fetch(`${baseUrl}/api/chat/${conversationId}`, {
          method: 'POST',
          headers: { cookie, origin: baseUrl, 'content-type': 'application/json' },
          body: JSON.stringify({ content: 'Bitte ausführlich.' }),
          signal: aborts[index]!.signal,
        })
        const reader = response.body!.getReader()
        const decoder = new TextDecoder()
        let window = ''
        while (!window.includes('event: delta')) {
          const { value, done } = await reader.read()
          if (done) throw new Error('ended')
          window = window.slice(-16) + decoder.decode(value, { stream: true })
        }
        begun++
        // Keep reading (and dropping) the rest, as a browser would.
        void (async () => {
          for (;;) if ((await reader.read()).done) break
        })().catch(() => {})
      } catch {
        failed++
      }
    }),
  )
  return {
    begun,
    failed,
    release: () => aborts.forEach((abort) => abort.abort()),
  }
}

/** Transactions committed in the database so far (PostgreSQL's statistics, a second late at most). */
export async function commits(owner: postgres.Sql): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 1100))
  const [row] = await owner<Array<{ n: string }>>`
    select xact_commit::text as n from pg_stat_database where datname = current_database()`
  return Number(row!.n)
}

/**
 * First-token overhead of answers begun one after another while other streams are open (the
 * steady state, as against a burst that starts them all at once): each through the app and
 * straight from the model in turn, each hung up at its first token.
 */
export async function overheadWhileOpen(
  baseUrl: string,
  cookie: string,
  direct: ReturnType<typeof directClient>,
  conversationIds: string[],
) {
  const viaApp: number[] = []
  const straight: number[] = []
  for (const conversationId of conversationIds) {
    straight.push(await direct('Eine kurze Frage.', { untilFirst: true }))
    viaApp.push(
      await firstTokenViaApp(baseUrl, cookie, conversationId, 'Eine kurze Frage.', { untilFirst: true }),
    )
  }
  const overhead = (q: number) => quantile(viaApp, q) - quantile(straight, q)
  return { p50: overhead(0.5), p99: overhead(0.99), direct: quantile(straight, 0.5) }
}
