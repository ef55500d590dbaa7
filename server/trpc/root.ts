// The API's root: one router per domain, merged here. `AppRouter` is all a
// typed client (pages or scripts) needs.
import { createCallerFactory, router } from './init.ts'
import { adminRouter } from './routers/admin.ts'
import { meRouter } from './routers/me.ts'
import { tokensRouter } from './routers/tokens.ts'

export const appRouter = router({
  me: meRouter,
  admin: adminRouter,
  tokens: tokensRouter,
})

export type AppRouter = typeof appRouter
export const createCaller = createCallerFactory(appRouter)
