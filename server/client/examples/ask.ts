// Example script: asks ClinAI a question and prints the answer as it streams.
//
//   CLINAI_URL=http://localhost:3000 CLINAI_TOKEN=clinai_pat_… \
//     npx tsx server/client/examples/ask.ts [--conversation <id>] <question…>
//   echo "question" | npx tsx server/client/examples/ask.ts [--conversation <id>]
//
// The question is the arguments joined by spaces, or else standard input. Without
// --conversation it starts a new conversation (its id goes to stderr, to continue it).
// The answer goes to stdout as it arrives; then one line on stderr with the finish
// reason and the token usage. Ctrl-C stops the answer: the server keeps the text so
// far as a stopped answer. CLINAI_URL defaults to http://localhost:3000 (npm run dev).
// Exit codes: 0 answered; 2 usage or settings (no token or question, a malformed URL,
// token or id, a question the server refuses); 3 token refused (401) or not allowed
// (403); 4 no such conversation among mine; 5 refused for the budget, the rate limit,
// or an answer already streaming there; 6 the answer ended in error (its code on
// stderr); 130 stopped with Ctrl-C; 1 anything else (server unreachable…).
import { text } from 'node:stream/consumers'
import { parseArgs } from 'node:util'
import {
  ChatRefusedError,
  ChatStreamError,
  ClinaiClientError,
  createClinaiClient,
  errorCode,
  streamChat,
  TRPCClientError,
  type ChatEvent,
} from '#server/client/index.ts'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

const usage = `Usage: CLINAI_URL=http://localhost:3000 CLINAI_TOKEN=clinai_pat_… \\
  npx tsx server/client/examples/ask.ts [--conversation <id>] <question…>
  (or the question on standard input)`

class Failure extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message)
  }
}

async function main(argv: string[], env: NodeJS.ProcessEnv, stop: AbortSignal): Promise<void> {
  const { conversationId: given, question: fromArgs } = parseArguments(argv)
  const baseUrl = env.CLINAI_URL?.trim() || 'http://localhost:3000'
  const token = env.CLINAI_TOKEN?.trim()
  if (!token) {
    throw new Failure(
      'CLINAI_TOKEN is not set. Create a personal access token (README, "Scripts and the typed API") and run:\n' +
        usage,
      2,
    )
  }
  const question = fromArgs ?? (await readQuestion())
  let conversationId = given
  try {
    const client = createClinaiClient({ baseUrl, token })
    if (!conversationId) {
      conversationId = (await client.conversations.create.mutate({}, { signal: stop })).id
      console.error(`New conversation ${conversationId} (continue it with --conversation ${conversationId}).`)
    }
    let last: ChatEvent | undefined
    let shown = false
    try {
      const answer = streamChat({ baseUrl, token, conversationId, content: question, signal: stop })
      for await (const event of answer) {
        last = event
        if (event.type === 'delta' && event.text) {
          process.stdout.write(event.text)
          shown = true
        }
      }
    } finally {
      // The answer's last line ends, also when it was stopped or failed, before anything on stderr.
      if (shown) process.stdout.write('\n')
    }
    if (last?.type === 'done') {
      const { promptTokens, completionTokens, estimated } = last.usage
      console.error(
        `Finish reason: ${last.finishReason}; tokens: ${promptTokens} prompt + ${completionTokens} completion${estimated ? ' (estimated)' : ''}.`,
      )
    } else if (last?.type === 'error') {
      throw new Failure(`The answer ended in error (${last.code}): ${last.message}`, 6)
    }
  } catch (error) {
    if (error instanceof ClinaiClientError) {
      const setting =
        error.option === 'token' ? 'CLINAI_TOKEN' : error.option === 'baseUrl' ? 'CLINAI_URL' : null
      throw new Failure(setting ? `Check ${setting}: ${error.message}` : error.message, 2)
    }
    throw error
  }
}

const readArgs = (argv: string[]) =>
  parseArgs({
    args: argv,
    allowPositionals: true,
    options: { conversation: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' } },
  })

function parseArguments(argv: string[]): { conversationId?: string; question?: string } {
  let parsed: ReturnType<typeof readArgs>
  try {
    parsed = readArgs(argv)
  } catch (error) {
    // parseArgs explains unknown options and missing values well; add how to call.
    throw new Failure(`${(error as Error).message}\n${usage}`, 2)
  }
  if (parsed.values.help) throw new Failure(usage, 0)
  const conversationId = parsed.values.conversation
  if (conversationId !== undefined && !UUID.test(conversationId)) {
    throw new Failure(`"${conversationId.slice(0, 60)}" is not a conversation id (a UUID).`, 2)
  }
  const question = parsed.positionals.join(' ')
  return { conversationId: conversationId?.toLowerCase(), question: question.trim() ? question : undefined }
}

async function readQuestion(): Promise<string> {
  if (process.stdin.isTTY) throw new Failure(`Give a question.\n${usage}`, 2)
  const question = await text(process.stdin)
  if (!question.trim()) throw new Failure(`The question on standard input is empty.\n${usage}`, 2)
  return question.trim()
}

function explain(error: unknown, baseUrl: string, stopped: boolean): Failure {
  if (error instanceof Failure) return error
  if (stopped) return new Failure('Stopped with Ctrl-C; an answer already begun is kept as stopped.', 130)
  if (error instanceof ChatRefusedError) {
    switch (error.code) {
      case 'unauthenticated':
        return tokenRefused(baseUrl)
      case 'not_found':
        return new Failure(
          'No such conversation among yours (404): it does not exist, was deleted, or is not yours.',
          4,
        )
      case 'budget_exhausted':
      case 'user_budget_exhausted':
      case 'busy':
      case 'rate_limited':
        return new Failure(`ClinAI refused the question (${error.status} ${error.code}): ${error.message}`, 5)
      case 'invalid_input':
        return new Failure(`ClinAI refused the question (400): ${error.message}`, 2)
      default:
        return new Failure(`ClinAI refused the question (${error.status} ${error.code}): ${error.message}`, 1)
    }
  }
  if (error instanceof ChatStreamError)
    return new Failure(`The answer could not be read: ${error.message}`, 1)
  if (error instanceof TRPCClientError) {
    switch (errorCode(error)) {
      case 'UNAUTHORIZED':
        return tokenRefused(baseUrl)
      case 'FORBIDDEN':
        return new Failure(`ClinAI at ${baseUrl} does not allow this token to do that (403).`, 3)
      case null:
        return unreachable(error.cause instanceof Error ? error.cause : error, baseUrl)
      default:
        return new Failure(`ClinAI answered with an error: ${error.message}`, 1)
    }
  }
  // fetch rejects with a TypeError whose cause says why (ECONNREFUSED, ENOTFOUND, …).
  if (error instanceof TypeError) return unreachable(error, baseUrl)
  return new Failure(`Asking failed: ${error instanceof Error ? error.message : String(error)}`, 1)
}

function tokenRefused(baseUrl: string): Failure {
  return new Failure(
    `ClinAI at ${baseUrl} refused CLINAI_TOKEN (401): it is unknown, revoked or expired, or its account is disabled. Create a new token.`,
    3,
  )
}

function unreachable(error: Error, baseUrl: string): Failure {
  const cause = error.cause instanceof Error ? error.cause : error
  return new Failure(
    `Could not talk to ClinAI at ${baseUrl} (${cause.message}). Is the server running, and is CLINAI_URL its address?`,
    1,
  )
}

// Ctrl-C stops the answer once, cleanly; a second Ctrl-C ends the process at once.
const stop = new AbortController()
process.once('SIGINT', () => stop.abort())
try {
  await main(process.argv.slice(2), process.env, stop.signal)
} catch (error) {
  const failure = explain(
    error,
    process.env.CLINAI_URL?.trim() || 'http://localhost:3000',
    stop.signal.aborted,
  )
  console.error(failure.message)
  // exitCode rather than exit(): stdout and stderr finish writing first.
  process.exitCode = failure.exitCode
}
