// A search snippet: plain text with the matched ranges in <mark>. The text is
// never parsed as HTML, whatever it holds.

export interface SnippetData {
  text: string
  highlights: Array<{ start: number; end: number }>
}

export function Snippet({ snippet }: { snippet: SnippetData }) {
  const parts: Array<{ text: string; marked: boolean }> = []
  let at = 0
  const ranges = [...snippet.highlights]
    .filter((range) => range.end > range.start)
    .sort((a, b) => a.start - b.start)
  for (const range of ranges) {
    const start = Math.max(range.start, at)
    const end = Math.min(range.end, snippet.text.length)
    if (end <= start) continue
    if (start > at) parts.push({ text: snippet.text.slice(at, start), marked: false })
    parts.push({ text: snippet.text.slice(start, end), marked: true })
    at = end
  }
  if (at < snippet.text.length) parts.push({ text: snippet.text.slice(at), marked: false })
  return (
    <>
      {parts.map((part, index) =>
        part.marked ? <mark key={index}>{part.text}</mark> : <span key={index}>{part.text}</span>,
      )}
    </>
  )
}
