// The API's root: one router per domain, merged here. `AppRouter` is all a
// typed client (pages or scripts) needs.
import { createCallerFactory, router } from './init.ts'
import { adminRouter } from './routers/admin.ts'
import { conversationsRouter } from './routers/conversations.ts'
import { exportsRouter } from './routers/exports.ts'
import { foldersRouter } from './routers/folders.ts'
import { meRouter } from './routers/me.ts'
import { messagesRouter } from './routers/messages.ts'
import { notesRouter } from './routers/notes.ts'
import { tokensRouter } from './routers/tokens.ts'

export const appRouter = router({
  me: meRouter,
  admin: adminRouter,
  tokens: tokensRouter,
  folders: foldersRouter,
  conversations: conversationsRouter,
  messages: messagesRouter,
  exports: exportsRouter,
  notes: notesRouter,
})

export type AppRouter = typeof appRouter
export const createCaller = createCallerFactory(appRouter)
