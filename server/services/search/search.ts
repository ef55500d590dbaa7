// Full-text search over the caller's conversation titles and message text,
// German and English at once, ranked, with a highlighted snippet.
//
// The snippet is plain text plus highlight ranges, never HTML: ts_headline marks
// matches with two private-use characters (stripped from the text first, so a
// message cannot forge them) and this module turns them into offsets.
import { sql } from 'drizzle-orm'
import type { Tx } from '#db/client.ts'
import { conversations, messages } from '#db/schema/index.ts'
import type { ContentOwner } from '#server/services/folders/folders.ts'

const START = '\uE000'
const STOP = '\uE001'
const HEADLINE_OPTIONS = `StartSel=${START}, StopSel=${STOP}, MinWords=12, MaxWords=35, ShortWord=2`
/** A title match weighs more than the same match in a message. */
const TITLE_WEIGHT = 2

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
  score: number
  headline_de: string
  headline_en: string
}

export async function searchConversations(
  tx: Tx,
  owner: ContentOwner,
  input: { query: string; limit: number; offset: number },
): Promise<SearchPage> {
  // websearch_to_tsquery never raises on user syntax; a query of stop words only
  // becomes an empty query that matches nothing. The documents are stored columns
  // (see db/schema/columns.ts); the hit lists are materialized once, then joined.
  const query = sql`(websearch_to_tsquery('german'::regconfig, ${input.query}) || websearch_to_tsquery('english'::regconfig, ${input.query}))`
  const titleDoc = conversations.searchVector
  const contentDoc = messages.searchVector
  const rows = await tx.execute<Row>(sql`
    with title_hits as materialized (
      select ${conversations.id} as conversation_id, ts_rank(${titleDoc}, ${query}, 1) * ${TITLE_WEIGHT} as rank
        from ${conversations}
       where ${conversations.tenantId} = ${owner.tenantId}
         and ${conversations.ownerUserId} = ${owner.userId}
         and ${titleDoc} @@ ${query}
    ),
    message_hits as materialized (
      select distinct on (${messages.conversationId})
             ${messages.conversationId} as conversation_id, ${messages.id} as message_id,
             ${messages.content} as content, ts_rank(${contentDoc}, ${query}, 1) as rank
        from ${messages}
       where ${messages.tenantId} = ${owner.tenantId}
         and ${messages.ownerUserId} = ${owner.userId}
         and ${contentDoc} @@ ${query}
       order by ${messages.conversationId}, rank desc, ${messages.createdAt} desc, ${messages.id}
    ),
    page as (
      select ${conversations.id} as conversation_id, ${conversations.title} as title,
             ${conversations.folderId} as folder_id, ${conversations.lastMessageAt} as last_activity,
             message_hits.message_id, message_hits.content,
             (coalesce(title_hits.rank, 0) + coalesce(message_hits.rank, 0))::float8 as score
        from ${conversations}
        left join title_hits on title_hits.conversation_id = ${conversations.id}
        left join message_hits on message_hits.conversation_id = ${conversations.id}
       where ${conversations.tenantId} = ${owner.tenantId}
         and ${conversations.ownerUserId} = ${owner.userId}
         and (title_hits.conversation_id is not null or message_hits.conversation_id is not null)
       order by score desc, last_activity desc, conversation_id
       limit ${input.limit + 1} offset ${input.offset}
    )
    select page.conversation_id, page.title, page.folder_id, page.message_id, page.score,
           to_char(page.last_activity at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as last_message_at,
           ts_headline('german'::regconfig, translate(coalesce(page.content, page.title), ${START + STOP}, ''),
                       ${query}, ${HEADLINE_OPTIONS}) as headline_de,
           ts_headline('english'::regconfig, translate(coalesce(page.content, page.title), ${START + STOP}, ''),
                       ${query}, ${HEADLINE_OPTIONS}) as headline_en
      from page
     order by page.score desc, page.last_activity desc, page.conversation_id`)

  const hits = [...rows]
  const items = hits.slice(0, input.limit).map((row): SearchHit => {
    const de = parseHeadline(row.headline_de)
    const en = parseHeadline(row.headline_en)
    return {
      conversationId: row.conversation_id,
      title: row.title,
      folderId: row.folder_id,
      lastMessageAt: row.last_message_at,
      messageId: row.message_id,
      source: row.message_id ? 'message' : 'title',
      // Each language's parser marks the words it stems; show the one that found more.
      snippet: en.highlights.length > de.highlights.length ? en : de,
      rank: Number(row.score),
    }
  })
  return { items, nextOffset: hits.length > input.limit ? input.offset + input.limit : null }
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
