// What the chat pane says about refusals and failed answers. Stored answers carry only
// an error code, so the sentences live here, one per code of server/chat/events.ts.
import type { ChatErrorCode, ChatRefusalCode } from '#server/chat/events.ts'

/** A code of the wire contract, or `connection_lost` when the stream broke off without an ending. */
export type AnswerErrorCode = ChatErrorCode | 'connection_lost'

const ANSWER_ERRORS: Record<AnswerErrorCode, { title: string; message: string }> = {
  content_filter: {
    title: 'Stopped by the content filter',
    message: 'Rephrase the question and try again.',
  },
  model_unavailable: {
    title: 'The assistant is unavailable',
    message: 'Your message is saved; try again in a moment.',
  },
  model_rate_limited: {
    title: 'The assistant is very busy',
    message: 'Your message is saved; try again in a minute.',
  },
  timeout: { title: 'The answer took too long', message: 'Your message is saved; try again.' },
  incomplete: { title: 'The answer was cut off', message: 'Your message is saved; try again.' },
  interrupted: {
    title: 'The answer was interrupted',
    message: 'A server restart interrupted it. Your message is saved; try again.',
  },
  connection_lost: {
    title: 'The connection was lost',
    message: 'The answer did not finish arriving. Your message is saved; try again.',
  },
}

export function answerError(code: string | null): { title: string; message: string } {
  return (
    ANSWER_ERRORS[code as AnswerErrorCode] ?? {
      title: 'The answer failed',
      message: 'Your message is saved; try again.',
    }
  )
}

/** A refusal before anything was stored, or `network` when ClinAI could not be reached at all. */
export type RefusalCode = ChatRefusalCode | 'network' | 'unknown'

export const REFUSAL_TITLES: Record<RefusalCode, string> = {
  invalid_input: 'Message not accepted',
  unauthenticated: 'Your session has ended',
  not_found: 'Conversation not found',
  budget_exhausted: 'Budget reached',
  busy: 'An answer is still being written',
  rate_limited: 'Too many messages',
  nothing_to_regenerate: 'Nothing to answer again',
  network: 'ClinAI could not be reached',
  unknown: 'Not sent',
}
