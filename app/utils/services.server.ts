// The bridge from route modules to server code: loaders and actions reach the
// server's services through the load context that server/http/server.ts builds.
import type { AppLoadContext } from '@remix-run/node'

export function getServices(context: AppLoadContext) {
  return context.services
}
