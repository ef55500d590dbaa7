// A request's route template (`/api/chat/:conversationId`, `/app/c/:conversationId`), found
// in the Remix build's route table as Remix itself matches it, so telemetry names requests
// by route and never by an id or anything else a path carries.
import type { ServerBuild } from '@remix-run/node'
import { matchRoutes, type AgnosticRouteObject } from '@remix-run/router'

export function routeTemplates(build: ServerBuild): (pathname: string) => string {
  const all = Object.values(build.routes)
  const childrenOf = (parentId: string | undefined): AgnosticRouteObject[] =>
    all
      .filter((route) => route.parentId === parentId)
      .map((route) =>
        route.index
          ? { id: route.id, path: route.path, index: true, caseSensitive: route.caseSensitive }
          : {
              id: route.id,
              path: route.path,
              caseSensitive: route.caseSensitive,
              children: childrenOf(route.id),
            },
      )
  const tree = childrenOf(undefined)
  return (pathname) => {
    if (pathname.startsWith('/build/')) return '/build/*'
    const matches = matchRoutes(tree, pathname)
    if (!matches) return '/*'
    const parts = matches.map((match) => match.route.path).filter((part) => part)
    return `/${parts.join('/')}`.replace(/\/{2,}/g, '/')
  }
}
