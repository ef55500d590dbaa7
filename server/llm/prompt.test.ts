import { describe, expect, it } from 'vitest'
import type { PromptMessage } from './client.ts'
import { buildPrompt, DEFAULT_SYSTEM_PROMPT, estimateTokens } from './prompt.ts'

const turn = (index: number): PromptMessage[] => [
  { role: 'user', content: `Frage ${index}: ${'Wie gehe ich mit Schlafproblemen um? '.repeat(20)}` },
  { role: 'assistant', content: `Antwort ${index}: ${'Eine ruhige Abendroutine hilft oft. '.repeat(20)}` },
]

describe('buildPrompt', () => {
  it('keeps the newest history that fits, whole messages only, in order', () => {
    const history = Array.from({ length: 10 }, (_, index) => turn(index)).flat()
    const prompt = buildPrompt({
      systemPrompt: null,
      history,
      userMessage: 'Und heute?',
      contextTokens: 1200,
    })
    expect(prompt.messages[0]).toEqual({ role: 'system', content: DEFAULT_SYSTEM_PROMPT })
    expect(prompt.messages.at(-1)).toEqual({ role: 'user', content: 'Und heute?' })
    const kept = prompt.messages.slice(1, -1)
    expect(kept.length).toBeGreaterThan(0)
    expect(kept.length).toBeLessThan(history.length)
    expect(kept).toEqual(history.slice(history.length - kept.length))
    expect(prompt.omitted).toBe(history.length - kept.length)
    expect(prompt.estimatedTokens).toBeLessThanOrEqual(1200)
  })

  it('never cuts the new user message, even when it alone exceeds the budget', () => {
    const long = 'Bitte fasse diese Sitzung zusammen. '.repeat(400)
    const prompt = buildPrompt({
      systemPrompt: 'Kurz antworten.',
      history: turn(1),
      userMessage: long,
      contextTokens: 500,
    })
    expect(prompt.messages).toEqual([
      { role: 'system', content: 'Kurz antworten.' },
      { role: 'user', content: long },
    ])
    expect(prompt.estimatedTokens).toBeGreaterThan(estimateTokens(long))
  })

  it('uses the clinic system prompt when there is one', () => {
    const prompt = buildPrompt({
      systemPrompt: '  Du bist die Praxis-KI.  ',
      history: [],
      userMessage: 'Hallo',
      contextTokens: 1000,
    })
    expect(prompt.messages[0]!.content).toBe('Du bist die Praxis-KI.')
  })
})
