// The prompt for one answer: the clinic's system prompt, as much of the
// conversation as fits the context budget (newest first, whole messages only),
// and the new user message, which is never cut.
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base'
import type { PromptMessage } from './client.ts'

/** Used when a clinic has not written its own. */
export const DEFAULT_SYSTEM_PROMPT = [
  'You are ClinAI, an assistant for therapists and other clinicians in a clinic.',
  'Answer clearly and concisely, in the language of the question. Use Markdown for structure.',
  'You support professional judgement; you do not replace it. Say when something needs a clinician to decide.',
].join(' ')

/** Chat-format overhead per message (role markers), as OpenAI documents for its models. */
const TOKENS_PER_MESSAGE = 4

/** Tokens of a text under the o200k encoding (GPT-4o family); an estimate for other models. */
export function estimateTokens(text: string): number {
  return countTokens(text)
}

export function estimatePromptTokens(messages: PromptMessage[]): number {
  return messages.reduce((sum, message) => sum + TOKENS_PER_MESSAGE + estimateTokens(message.content), 3)
}

export interface PromptInput {
  systemPrompt: string | null
  /** Earlier messages, oldest first, without the new user message. */
  history: PromptMessage[]
  userMessage: string
  /** Budget for the whole prompt, in tokens. */
  contextTokens: number
}

export interface Prompt {
  messages: PromptMessage[]
  estimatedTokens: number
  /** Older messages left out to fit the budget. */
  omitted: number
}

export function buildPrompt({ systemPrompt, history, userMessage, contextTokens }: PromptInput): Prompt {
  const system: PromptMessage = { role: 'system', content: systemPrompt?.trim() || DEFAULT_SYSTEM_PROMPT }
  const user: PromptMessage = { role: 'user', content: userMessage }
  let used = estimatePromptTokens([system, user])
  const kept: PromptMessage[] = []
  for (let index = history.length - 1; index >= 0; index--) {
    const message = history[index]!
    const cost = TOKENS_PER_MESSAGE + estimateTokens(message.content)
    // Stop at the first message that does not fit: a gap in the middle would mislead the model.
    if (used + cost > contextTokens) break
    used += cost
    kept.unshift(message)
  }
  return { messages: [system, ...kept, user], estimatedTokens: used, omitted: history.length - kept.length }
}
