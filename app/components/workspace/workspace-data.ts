// The workspace layout's loader data, for the components and child routes that show it.
import type { SerializeFrom } from '@remix-run/node'
import { useRouteLoaderData } from '@remix-run/react'
import type { loader } from '#app/routes/app.tsx'

export type WorkspaceData = SerializeFrom<typeof loader>
export type FolderItem = WorkspaceData['folders'][number]
export type ConversationItem = WorkspaceData['conversations'][number]

export function useWorkspaceData(): WorkspaceData {
  const data = useRouteLoaderData<typeof loader>('routes/app')
  if (!data) throw new Error('useWorkspaceData is for routes inside the workspace layout')
  return data
}

/** What drag-and-drop carries: a conversation's id. */
export const CONVERSATION_DRAG_TYPE = 'application/x-clinai-conversation'
