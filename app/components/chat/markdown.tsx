// Assistant answers as Markdown, safely: raw HTML stays visible text (no rehype-raw),
// links go only to http(s) and mailto and open in a new tab without an opener, and
// images are never loaded: an image becomes a link, so a beacon URL in an answer is
// never requested unless someone chooses to open it.
import { useTranslation } from 'react-i18next'
import { memo, type ReactNode } from 'react'
import Markdown, { type Components } from 'react-markdown'
import remarkGfm from 'remark-gfm'
import { CopyButton } from './copy-button.tsx'

const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:'])

/** The URL when it is absolute http(s) or mailto; undefined drops the attribute. */
export function safeUrl(url: string): string | undefined {
  try {
    const parsed = new URL(url.trim())
    return SAFE_PROTOCOLS.has(parsed.protocol) ? parsed.href : undefined
  } catch {
    return undefined
  }
}

/** The parts of a hast node that hold text (hast's own types come in two versions here). */
interface TextNode {
  type: string
  value?: string
  children?: TextNode[]
}

function textOf(node: TextNode | undefined): string {
  if (!node) return ''
  if (node.type === 'text') return node.value ?? ''
  return (node.children ?? []).map(textOf).join('')
}

const link =
  'text-blue-700 underline underline-offset-2 hover:text-blue-900 dark:text-blue-300 dark:hover:text-blue-200'

const components: Components = {
  a: ({ href, children }) =>
    href ? (
      <a href={href} target="_blank" rel="noopener noreferrer" className={link}>
        {children}
      </a>
    ) : (
      <span>{children}</span>
    ),
  img: ({ src, alt }) => {
    const label = `Image: ${alt || 'no description'}`
    return typeof src === 'string' && src ? (
      <a href={src} target="_blank" rel="noopener noreferrer" className={link}>
        {label}
      </a>
    ) : (
      <span>[{label}]</span>
    )
  },
  pre: ({ node, children }) => <CodeBlock code={textOf(node?.children[0])}>{children}</CodeBlock>,
  code: ({ className, children }) => (
    <code
      className={`${className ?? ''} rounded bg-slate-100 px-1 py-0.5 font-mono text-[0.9em] dark:bg-slate-800`}
    >
      {children}
    </code>
  ),
  p: ({ children }) => <p className="my-2 first:mt-0 last:mb-0">{children}</p>,
  ul: ({ children }) => <ul className="my-2 list-disc pl-6">{children}</ul>,
  ol: ({ children }) => <ol className="my-2 list-decimal pl-6">{children}</ol>,
  li: ({ children }) => <li className="my-1">{children}</li>,
  blockquote: ({ children }) => (
    <blockquote className="my-2 border-l-4 border-slate-300 pl-3 text-slate-700 dark:border-slate-600 dark:text-slate-300">
      {children}
    </blockquote>
  ),
  // Answer headings sit below the pane's heading (h1).
  h1: ({ children }) => <h2 className="mb-2 mt-3 text-lg font-semibold">{children}</h2>,
  h2: ({ children }) => <h2 className="mb-2 mt-3 text-base font-semibold">{children}</h2>,
  h3: ({ children }) => <h3 className="mb-1 mt-3 font-semibold">{children}</h3>,
  h4: ({ children }) => <h3 className="mb-1 mt-2 font-semibold">{children}</h3>,
  h5: ({ children }) => <h3 className="mb-1 mt-2 font-semibold">{children}</h3>,
  h6: ({ children }) => <h3 className="mb-1 mt-2 font-semibold">{children}</h3>,
  hr: () => <hr className="my-3 border-slate-300 dark:border-slate-600" />,
  table: ({ children }) => (
    <div className="my-2 overflow-x-auto">
      <table className="border-collapse text-sm">{children}</table>
    </div>
  ),
  th: ({ children, style }) => (
    <th
      style={style}
      className="border border-slate-300 px-2 py-1 text-left font-semibold dark:border-slate-600"
    >
      {children}
    </th>
  ),
  td: ({ children, style }) => (
    <td style={style} className="border border-slate-300 px-2 py-1 dark:border-slate-600">
      {children}
    </td>
  ),
}

function CodeBlock({ code, children }: { code: string; children: ReactNode }) {
  const { t } = useTranslation()
  return (
    <div className="group relative my-2">
      <pre className="overflow-x-auto rounded-md bg-slate-100 p-3 pr-20 text-sm dark:bg-slate-950 [&>code]:bg-transparent [&>code]:p-0">
        {children}
      </pre>
      <div className="absolute right-1 top-1">
        <CopyButton
          text={() => code}
          what={t('chat.copyWhat.code')}
          className="rounded-md border border-slate-300 bg-white px-2 py-0.5 text-xs font-medium text-slate-800 hover:bg-slate-50 dark:border-slate-600 dark:bg-slate-800 dark:text-slate-100 dark:hover:bg-slate-700"
        />
      </div>
    </div>
  )
}

const remarkPlugins = [remarkGfm]

/** Memoised: while an answer streams only the message that grows is parsed again. */
export const MarkdownText = memo(function MarkdownText({ text }: { text: string }) {
  return (
    <Markdown remarkPlugins={remarkPlugins} urlTransform={safeUrl} components={components}>
      {text}
    </Markdown>
  )
})
