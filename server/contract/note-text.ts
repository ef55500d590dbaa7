// Model output is Markdown-ish; copies and exports are plain text: no asterisks, hashes or
// backticks, lists kept as "- " lines. Pure: the browser (copy) and the exports share it.

/** Markdown markers removed, line structure kept. */
export function toPlainText(markdown: string): string {
  return markdown
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) =>
      line
        .replace(/^\s{0,3}#{1,6}\s+/, '')
        .replace(/^\s{0,3}>\s?/, '')
        .replace(/^(\s*)[*+]\s+/, '$1- ')
        .replace(/^\s*([-*_])(\s*\1){2,}\s*$/, '')
        .replace(/`{1,3}([^`]*)`{1,3}/g, '$1')
        .replace(/(\*\*|__)(.+?)\1/g, '$2')
        .replace(/(^|[^\w*])[*_]([^*_\s][^*_]*?)[*_](?=[^\w*]|$)/g, '$1$2')
        .replace(/\*+/g, '')
        .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
        .replace(/\[([^\]]+)\]\(([^)]*)\)/g, '$1 ($2)'),
    )
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}

export interface PlainNote {
  heading: string
  meta: string[]
  sections: Array<{ title: string; content: string }>
  signature?: string | null
}

/** A whole note as plain text: heading, the form's facts, then each section under its title. */
export function noteAsPlainText(note: PlainNote): string {
  const parts = [note.heading, ...note.meta, '']
  for (const section of note.sections) parts.push(section.title, toPlainText(section.content) || '—', '')
  if (note.signature) parts.push(note.signature)
  return parts.join('\n').trim() + '\n'
}

/** The same as Markdown, for the Markdown export; section text is kept as the model wrote it. */
export function noteAsMarkdown(note: PlainNote): string {
  const parts = [`# ${note.heading}`, '', ...note.meta.map((line) => `- ${line}`), '']
  for (const section of note.sections)
    parts.push(`## ${section.title}`, '', section.content.trim() || '—', '')
  if (note.signature) parts.push('---', '', note.signature)
  return parts.join('\n').trim() + '\n'
}
