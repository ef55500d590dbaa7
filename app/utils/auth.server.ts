// Bridge: authentication for loaders and actions.
//   requireUser   the signed-in identity, or a redirect to sign in (and back here afterwards)
//   requireAdmin  the same, and a 403 for anyone but an admin of their clinic
//   getIdentity   the identity or null
import type { AppLoadContext } from '@remix-run/node'
import { redirect } from '@remix-run/node'
import { authenticateRequest } from '#server/auth/authenticate.ts'
import type { Identity } from '#server/auth/identity.ts'
import { rethrowAsOutage } from './outage.server.ts'

export async function getIdentity(request: Request, context: AppLoadContext): Promise<Identity | null> {
  const { identity } = await authenticateRequest(context.services, request).catch(rethrowAsOutage)
  return identity
}

export async function requireUser(request: Request, context: AppLoadContext): Promise<Identity> {
  const identity = await getIdentity(request, context)
  if (!identity) {
    const url = new URL(request.url)
    const returnTo = `${url.pathname}${url.search}`
    throw redirect(`/auth/sign-in?returnTo=${encodeURIComponent(returnTo)}`, {
      headers: { 'cache-control': 'no-store' },
    })
  }
  return identity
}

export async function requireAdmin(request: Request, context: AppLoadContext): Promise<Identity> {
  const identity = await requireUser(request, context)
  if (identity.role !== 'admin') {
    throw Response.json({ code: 'forbidden' }, { status: 403 })
  }
  return identity
}
