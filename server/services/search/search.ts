// Full-text search over the caller's conversation titles and message text,
// German and English at once, ranked, with a highlighted snippet.
//
// Which conversations match is decided by clinai_search_conversations (migration 0008),
// the one reviewed place that reads past RLS, so the person's own GIN index entries are
// used (title matches weigh double there). A word of four letters or more also matches
// inside a longer one (German compounds), by trigrams.
//
// The snippet is plain text plus highlight ranges, never HTML: ts_headline marks
// matches with two private-use characters (stripped from the text first, so a
// message cannot forge them) and this module turns them into offsets. Markdown
// markers (the answers' **bold**, # headings, lists) are removed as Copy removes
// them, with the highlights moved along.
import { sql } from 'drizzle-orm'
import type { Tx } from '#db/client.ts'
import { conversations, messages } from '#db/schema/index.ts'
import { toPlainText } from '#server/contract/note-text.ts'
import type { Caller } from '#server/services/caller.ts'

const START = '\uE000'
const STOP = '\uE001'
const HEADLINE_OPTIONS = `StartSel=${START}, StopSel=${STOP}, MinWords=12, MaxWords=35, ShortWord=2`

export interface SearchHit {
  conversationId: string
  title: string
  folderId: string | null
  lastMessageAt: string
  /** The best-matching message, or null when only the title matched. */
  messageId: string | null
  source: 'message' | 'title'
  snippet: Snippet
  rank: number
}

export interface Snippet {
  text: string
  /** Matched ranges in `text`, as JavaScript string offsets (UTF-16 code units), end exclusive. */
  highlights: Array<{ start: number; end: number }>
}

export interface SearchPage {
  items: SearchHit[]
  /** Pass as `offset` for the next page; null on the last page. */
  nextOffset: number | null
}

interface Row extends Record<string, unknown> {
  conversation_id: string
  title: string
  folder_id: string | null
  last_message_at: string
  message_id: string | null
  content: string | null
  score: number
  headline_de: string
  headline_en: string
}

export async function searchConversations(
  tx: Tx,
  owner: Caller,
  input: { query: string; limit: number; offset: number },
): Promise<SearchPage> {
  // Which conversations match, best first: clinai_search_conversations (migration 0008) reads
  // the person's own rows by index and answers identifiers and scores only. It takes the
  // clinic and the person from withTenant's settings, not from here.
  const patterns = substringPatterns(input.query)
  const query = sql`(websearch_to_tsquery('german'::regconfig, ${input.query}) || websearch_to_tsquery('english'::regconfig, ${input.query}))`
  // The text comes from the tables under RLS, by primary key, for the page's hits only.
  const rows = await tx.execute<Row>(sql`
    with page as materialized (
      select hit.conversation_id, hit.message_id, hit.score, ordinality
        from clinai_search_conversations(${input.query}, ${sql.param(patterns)}::text[], ${input.limit + 1}, ${input.offset})
             with ordinality as hit
    )
    select page.conversation_id, ${conversations.title} as title, ${conversations.folderId} as folder_id,
           page.message_id, page.score, ${messages.content} as content,
           to_char(${conversations.lastMessageAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as last_message_at,
           ts_headline('german'::regconfig, translate(coalesce(${messages.content}, ${conversations.title}), ${START + STOP}, ''),
                       ${query}, ${HEADLINE_OPTIONS}) as headline_de,
           ts_headline('english'::regconfig, translate(coalesce(${messages.content}, ${conversations.title}), ${START + STOP}, ''),
                       ${query}, ${HEADLINE_OPTIONS}) as headline_en
      from page
      join ${conversations}
        on ${conversations.tenantId} = ${owner.tenantId} and ${conversations.ownerUserId} = ${owner.userId}
       and ${conversations.id} = page.conversation_id
      left join ${messages}
        on ${messages.tenantId} = ${owner.tenantId} and ${messages.ownerUserId} = ${owner.userId}
       and ${messages.id} = page.message_id
     order by page.ordinality`)

  const hits = [...rows]
  const items = hits.slice(0, input.limit).map((row): SearchHit => {
    const de = parseHeadline(row.headline_de)
    const en = parseHeadline(row.headline_en)
    // Each language's parser marks the words it stems; show the one that found more. A match
    // only inside a longer word (a German compound) is marked here, as full-text search cannot.
    const stemmed = en.highlights.length > de.highlights.length ? en : de
    const snippet = withoutMarkdown(
      stemmed.highlights.length > 0
        ? stemmed
        : (substringSnippet(stripMarkers(row.content ?? row.title), patterns) ?? stemmed),
    )
    return {
      conversationId: row.conversation_id,
      title: row.title,
      folderId: row.folder_id,
      lastMessageAt: row.last_message_at,
      messageId: row.message_id,
      source: row.message_id ? 'message' : 'title',
      snippet,
      rank: Number(row.score),
    }
  })
  return { items, nextOffset: hits.length > input.limit ? input.offset + input.limit : null }
}

/** Words this short match too much inside other words; they are found by full-text search only. */
const MIN_SUBSTRING_LETTERS = 4
const MAX_SUBSTRING_WORDS = 8
const SNIPPET_CONTEXT_CHARS = 90

/**
 * The query's words that should also match inside longer words, as ILIKE patterns
 * (`%therapie%`): plain words of four letters or more, not the ones the query excludes
 * (`-word`) or its `or`. LIKE's own characters are escaped.
 */
export function substringPatterns(query: string): string[] {
  const words = new Set<string>()
  for (const token of query.split(/\s+/)) {
    if (token.startsWith('-')) continue
    const word = token.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '').toLowerCase()
    if ([...word].length < MIN_SUBSTRING_LETTERS || word.length > 100) continue
    words.add(word)
  }
  return [...words]
    .slice(0, MAX_SUBSTRING_WORDS)
    .map((word) => `%${word.replace(/[\\%_]/g, (char) => `\\${char}`)}%`)
}

/** A snippet around the first place a pattern's word occurs inside the text, with every occurrence marked. */
function substringSnippet(text: string, patterns: string[]): Snippet | null {
  const words = patterns.map((pattern) => pattern.slice(1, -1).replace(/\\(.)/g, '$1'))
  const lower = text.toLowerCase()
  const first = Math.min(...words.map((word) => lower.indexOf(word)).filter((at) => at >= 0))
  if (!Number.isFinite(first)) return null
  let start = Math.max(0, first - SNIPPET_CONTEXT_CHARS)
  let end = Math.min(text.length, first + SNIPPET_CONTEXT_CHARS * 2)
  // Whole words at the edges.
  if (start > 0) start = text.indexOf(' ', start) + 1 || start
  if (end < text.length) end = text.lastIndexOf(' ', end) > first ? text.lastIndexOf(' ', end) : end
  const window = text.slice(start, end).replace(/\s+/g, ' ').trim()
  const found: Snippet['highlights'] = []
  const windowLower = window.toLowerCase()
  for (const word of words) {
    for (let at = windowLower.indexOf(word); at >= 0; at = windowLower.indexOf(word, at + word.length)) {
      found.push({ start: at, end: at + word.length })
    }
  }
  // One range where two words overlap ("therapie" inside "verhaltenstherapie").
  found.sort((a, b) => a.start - b.start || b.end - a.end)
  const highlights: Snippet['highlights'] = []
  for (const range of found) {
    const last = highlights.at(-1)
    if (last && range.start <= last.end) last.end = Math.max(last.end, range.end)
    else highlights.push({ ...range })
  }
  return { text: window, highlights }
}

/** Turns ts_headline's marked text into plain text and highlight ranges. */
export function parseHeadline(marked: string): Snippet {
  let text = ''
  let start = -1
  const highlights: Snippet['highlights'] = []
  for (const char of marked) {
    if (char === START) {
      start = text.length
    } else if (char === STOP) {
      if (start >= 0 && text.length > start) highlights.push({ start, end: text.length })
      start = -1
    } else {
      text += char
    }
  }
  // ts_headline may start with a space; offsets move with the trimmed text.
  const lead = text.length - text.trimStart().length
  return {
    text: text.trim(),
    highlights: highlights.map((range) => ({ start: range.start - lead, end: range.end - lead })),
  }
}

function stripMarkers(text: string): string {
  return text.replace(/[\uE000\uE001]/g, '')
}

/**
 * The snippet as plain text (server/contract/note-text.ts, the same as Copy), on one line,
 * with each highlight still on the words it marked: the ranges travel through the
 * conversion as the two marker characters, which no Markdown rule touches.
 */
export function withoutMarkdown(snippet: Snippet): Snippet {
  const ranges = [...snippet.highlights].sort((a, b) => a.start - b.start)
  let marked = ''
  let at = 0
  for (const range of ranges) {
    const start = Math.max(range.start, at)
    const end = Math.min(range.end, snippet.text.length)
    if (end <= start) continue
    marked += snippet.text.slice(at, start) + START + snippet.text.slice(start, end) + STOP
    at = end
  }
  marked += snippet.text.slice(at)
  const plain = toPlainText(marked)
    // A window cuts through a link: "[Leitlinie](https://exa" at its end, "tlinie](https://…)" at its start.
    .replace(/\[([^\]]*)\]\([^)]*$/, '$1')
    .replace(/^([^[\]]*)\]\([^)]*\)/, '$1')
    .replace(/\s+/g, ' ')
  return parseHeadline(plain)
}
