// The sidebar's view lives in the URL, so a reload, a shared link or the back
// button shows the same list: which folder is open and how many pages are shown.
//   ?folder=<id>  one folder, ?folder=none  conversations in no folder, absent  all
//   ?pages=<n>    pages of the list shown ("Load more" adds one)

export const PAGE_SIZE = 30
export const MAX_PAGES = 20

export interface SidebarState {
  /** A folder id, 'none', or null for every conversation. */
  folder: string | null
  pages: number
}

export function readSidebarState(searchParams: URLSearchParams): SidebarState {
  const folder = searchParams.get('folder')
  const pages = Number.parseInt(searchParams.get('pages') ?? '1', 10)
  return {
    folder: folder ? folder.slice(0, 64) : null,
    pages: Number.isFinite(pages) ? Math.min(Math.max(pages, 1), MAX_PAGES) : 1,
  }
}

/** The query string (with its `?`, or empty) that keeps the sidebar as it is, with changes. */
export function sidebarSearch(state: SidebarState, changes: Partial<SidebarState> = {}): string {
  const next = { ...state, ...changes }
  const params = new URLSearchParams()
  if (next.folder) params.set('folder', next.folder)
  if (next.pages > 1) params.set('pages', String(next.pages))
  const text = params.toString()
  return text ? `?${text}` : ''
}
