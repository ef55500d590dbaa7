// Example script: exports one of my conversations as Markdown through the typed API client.
//
//   CLINAI_URL=http://localhost:3000 CLINAI_TOKEN=clinai_pat_… \
//     npx tsx server/client/examples/export-conversation.ts [conversation-id] [--out file.md]
//
// Lists my conversations on stderr, then exports the given one, or the one with
// the most recent activity, to stdout or the --out file. CLINAI_URL defaults to
// http://localhost:3000 (npm run dev). Exit codes: 0 done; 2 usage or settings
// (no token, a malformed URL, token or id); 3 token refused (401) or not allowed
// (403); 4 no such conversation among mine; 1 anything else (server unreachable…).
import { writeFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import {
  ClinaiClientError,
  createClinaiClient,
  errorCode,
  TRPCClientError,
  type ClinaiClient,
  type RouterOutputs,
} from '#server/client/index.ts'

type Conversation = RouterOutputs['conversations']['list']['items'][number]
type Message = RouterOutputs['messages']['list']['items'][number]

const PAGE_SIZE = 100 // the most the API returns per page
const LISTED = 10 // conversations shown on stderr
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

const usage = `Usage: CLINAI_URL=http://localhost:3000 CLINAI_TOKEN=clinai_pat_… \\
  npx tsx server/client/examples/export-conversation.ts [conversation-id] [--out file.md]`

class Failure extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message)
  }
}

async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const { conversationId, out } = parseArguments(argv)
  const baseUrl = env.CLINAI_URL?.trim() || 'http://localhost:3000'
  if (!env.CLINAI_TOKEN?.trim()) {
    throw new Failure(
      'CLINAI_TOKEN is not set. Create a personal access token (README, "Scripts and the typed API") and run:\n' +
        usage,
      2,
    )
  }
  let client: ClinaiClient
  try {
    client = createClinaiClient({ baseUrl, token: env.CLINAI_TOKEN })
  } catch (error) {
    if (error instanceof ClinaiClientError) {
      throw new Failure(
        `Check ${error.option === 'token' ? 'CLINAI_TOKEN' : 'CLINAI_URL'}: ${error.message}`,
        2,
      )
    }
    throw error
  }

  const conversations = await listConversations(client)
  printList(conversations)
  const chosenId = conversationId ?? conversations[0]?.id
  if (!chosenId) throw new Failure('You have no conversations yet; nothing to export.', 4)

  const { conversation, messages } = await fetchConversation(client, chosenId)
  console.error(`Exporting "${conversation.title}" (${conversation.id}): ${messages.length} messages.`)
  const markdown = toMarkdown(conversation, messages)
  if (out) {
    await writeFile(out, markdown, 'utf8')
    console.error(`Wrote ${out}.`)
  } else {
    process.stdout.write(markdown)
  }
}

const readArgs = (argv: string[]) =>
  parseArgs({
    args: argv,
    allowPositionals: true,
    options: { out: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' } },
  })

function parseArguments(argv: string[]): { conversationId?: string; out?: string } {
  let parsed: ReturnType<typeof readArgs>
  try {
    parsed = readArgs(argv)
  } catch (error) {
    // parseArgs explains unknown options and missing values well; add how to call.
    throw new Failure(`${(error as Error).message}\n${usage}`, 2)
  }
  if (parsed.values.help) throw new Failure(usage, 0)
  if (parsed.positionals.length > 1) throw new Failure(`Give at most one conversation id.\n${usage}`, 2)
  const [conversationId] = parsed.positionals
  if (conversationId !== undefined && !UUID.test(conversationId)) {
    throw new Failure(`"${conversationId.slice(0, 60)}" is not a conversation id (a UUID).`, 2)
  }
  if (parsed.values.out === '') throw new Failure(`--out needs a file name.\n${usage}`, 2)
  return { conversationId: conversationId?.toLowerCase(), out: parsed.values.out }
}

/** All my conversations, most recent activity first, page by page. */
async function listConversations(client: ClinaiClient): Promise<Conversation[]> {
  const all: Conversation[] = []
  let cursor: string | null = null
  do {
    const page: RouterOutputs['conversations']['list'] = await client.conversations.list.query({
      limit: PAGE_SIZE,
      cursor,
    })
    all.push(...page.items)
    cursor = page.nextCursor
  } while (cursor)
  return all
}

function printList(conversations: Conversation[]) {
  console.error(`You have ${conversations.length} conversation${conversations.length === 1 ? '' : 's'}:`)
  for (const conversation of conversations.slice(0, LISTED)) {
    console.error(`  ${formatTime(conversation.lastMessageAt)}  ${conversation.id}  ${conversation.title}`)
  }
  if (conversations.length > LISTED) console.error(`  … and ${conversations.length - LISTED} older`)
}

/** The conversation and every message, oldest first: the newest page, then paging back. */
async function fetchConversation(client: ClinaiClient, conversationId: string) {
  const conversation = await client.conversations.get.query({ conversationId, messageLimit: PAGE_SIZE })
  const pages: Message[][] = [conversation.messages.items]
  let cursor = conversation.messages.nextCursor
  while (cursor) {
    const page: RouterOutputs['messages']['list'] = await client.messages.list.query({
      conversationId,
      cursor,
      limit: PAGE_SIZE,
    })
    pages.unshift(page.items)
    cursor = page.nextCursor
  }
  return { conversation, messages: pages.flat() }
}

const STATUS_NOTES: Record<Message['status'], string | null> = {
  complete: null,
  streaming: 'still being written when this was exported',
  stopped: 'stopped before it was complete',
  error: 'the answer failed',
}

function toMarkdown(conversation: Conversation, messages: Message[]): string {
  const parts = [
    `# ${escapeInline(conversation.title)}`,
    `_${messages.length} message${messages.length === 1 ? '' : 's'} · started ${formatTime(conversation.createdAt)} · last activity ${formatTime(conversation.lastMessageAt)}_`,
  ]
  for (const message of messages) {
    parts.push(`## ${message.role === 'user' ? 'You' : 'Assistant'} · ${formatTime(message.createdAt)}`)
    if (message.content.trim()) parts.push(message.content.trimEnd())
    const note = STATUS_NOTES[message.status]
    if (note) parts.push(`_(${note}${message.errorCode ? `: ${message.errorCode}` : ''})_`)
    else if (!message.content.trim()) parts.push('_(no text)_')
  }
  return `${parts.join('\n\n')}\n`
}

/** Titles are plain text; escaped so that a * or # in one does not turn into formatting. */
function escapeInline(text: string): string {
  return text.replace(/[\\`*_[\]<>#|]/g, (character) => `\\${character}`)
}

/** `2026-11-01 09:30:05 UTC` from an ISO-8601 time, the same whatever the machine's time zone. */
function formatTime(iso: string): string {
  return iso.replace('T', ' ').replace(/(\.\d+)?Z$/, ' UTC')
}

function explain(error: unknown, baseUrl: string): Failure {
  if (error instanceof Failure) return error
  if (error instanceof TRPCClientError) {
    switch (errorCode(error)) {
      case 'UNAUTHORIZED':
        return new Failure(
          `ClinAI at ${baseUrl} refused CLINAI_TOKEN (401): it is unknown, revoked or expired, or its account is disabled. Create a new token.`,
          3,
        )
      case 'FORBIDDEN':
        return new Failure(`ClinAI at ${baseUrl} does not allow this token to do that (403).`, 3)
      case 'NOT_FOUND':
        return new Failure(
          'No such conversation among yours (404): it does not exist, was deleted, or is not yours.',
          4,
        )
      case 'BAD_REQUEST':
        return new Failure(`ClinAI refused the request (400): ${error.message}`, 2)
      case null: {
        // No tRPC answer at all: nothing listening, or something else answering at that address.
        const cause = error.cause instanceof Error ? (error.cause.cause ?? error.cause) : null
        const reason = cause instanceof Error ? cause.message : error.message
        return new Failure(
          `Could not talk to ClinAI at ${baseUrl} (${reason}). Is the server running, and is CLINAI_URL its address?`,
          1,
        )
      }
      default:
        return new Failure(`ClinAI answered with an error: ${error.message}`, 1)
    }
  }
  return new Failure(`Export failed: ${error instanceof Error ? error.message : String(error)}`, 1)
}

try {
  await main(process.argv.slice(2), process.env)
} catch (error) {
  const failure = explain(error, process.env.CLINAI_URL?.trim() || 'http://localhost:3000')
  console.error(failure.message)
  // exitCode rather than exit(): stdout and stderr finish writing first.
  process.exitCode = failure.exitCode
}
