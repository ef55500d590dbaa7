// A small, deterministic stand-in for a BPE tokenizer. It is not tiktoken and does not try to be: the
// simulator only needs counts that are stable, cheap and in the right ballpark (about one token per
// short English word, more for long German compounds), so that usage numbers, max_tokens cut-offs and
// the chat proxy's own estimates all agree with each other.
//
// The rules, applied left to right:
//   - a run of line breaks is one token;
//   - a run of letters is one token per started 6 letters, a run of digits one per started 3 digits,
//     a run of other symbols (punctuation, markdown, emoji) one per started 2 symbols;
//   - spaces and tabs cost nothing when a word follows (like BPE's leading-space tokens); trailing
//     spaces with no word after them are one token.
// Counting a prefix that ends on a token boundary gives exactly the number of tokens in that prefix,
// which is what lets the simulator cut an answer at max_tokens and still report consistent usage.

export const LETTERS_PER_TOKEN = 6
export const DIGITS_PER_TOKEN = 3
export const SYMBOLS_PER_TOKEN = 2
/** OpenAI's chat format costs about 3 tokens of framing plus 1 for the role per message. */
export const TOKENS_PER_MESSAGE = 4
/** A message's `name` costs its own tokens plus one separator. */
export const TOKENS_PER_NAME = 1
/** Every reply is primed with `<|start|>assistant<|message|>`. */
export const TOKENS_PER_REPLY = 3

const PIECE = /[\r\n]+|[^\S\r\n]*(?:[\p{L}\p{M}]+|\p{N}+|[^\s\p{L}\p{M}\p{N}]+)|[^\S\r\n]+/gu
const LEADING_SPACE = /^[^\S\r\n]*/u

function runSize(firstChar: string): number {
  if (/[\p{L}\p{M}]/u.test(firstChar)) return LETTERS_PER_TOKEN
  if (/\p{N}/u.test(firstChar)) return DIGITS_PER_TOKEN
  return SYMBOLS_PER_TOKEN
}

/**
 * Splits text into token strings. Joining the result gives back the input exactly, and
 * `tokenize(text).length === countTokens(text)`.
 */
export function tokenize(text: string): string[] {
  const tokens: string[] = []
  for (const match of text.matchAll(PIECE)) {
    const piece = match[0]
    if (piece.includes('\n') || piece.includes('\r') || piece.trim() === '') {
      tokens.push(piece)
      continue
    }
    const space = LEADING_SPACE.exec(piece)?.[0] ?? ''
    // Code points, not UTF-16 units, so an umlaut or emoji never ends up split in half.
    const chars = Array.from(piece.slice(space.length))
    const size = runSize(chars[0] ?? '')
    for (let start = 0; start < chars.length; start += size) {
      const part = chars.slice(start, start + size).join('')
      tokens.push(start === 0 ? space + part : part)
    }
  }
  return tokens
}

export function countTokens(text: string): number {
  return tokenize(text).length
}

export interface PromptMessage {
  role: string
  content: string
  name?: string
}

/** Prompt tokens the way OpenAI bills chat requests: message framing + content (+ name) + reply priming. */
export function countPromptTokens(messages: readonly PromptMessage[]): number {
  let total = TOKENS_PER_REPLY
  for (const message of messages) {
    total += TOKENS_PER_MESSAGE + countTokens(message.content)
    if (message.name) total += countTokens(message.name) + TOKENS_PER_NAME
  }
  return total
}
