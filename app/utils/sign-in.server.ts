// Bridge: the sign-in, callback and sign-out steps for the auth routes.
import type { AppLoadContext } from '@remix-run/node'
import { redirect } from '@remix-run/node'
import { SignInError, type SignInFailure } from '#server/auth/oidc.ts'
import { completeSignIn } from '#server/auth/sign-in.ts'
import { endSession } from '#server/auth/sign-out.ts'

export async function startSignIn(request: Request, context: AppLoadContext): Promise<Response> {
  const returnTo = new URL(request.url).searchParams.get('returnTo')
  try {
    return await context.services.auth.strategy.start(returnTo ?? '/')
  } catch (error) {
    context.services.logger.error(
      { requestId: context.requestId, err: errorName(error) },
      'identity provider unreachable',
    )
    throw Response.json({ reason: 'idp_unreachable' }, { status: 503 })
  }
}

export type CallbackResult = { ok: false; reason: SignInFailure; status: number; headers: Headers }

export async function finishSignIn(
  request: Request,
  context: AppLoadContext,
): Promise<Response | CallbackResult> {
  const { services, requestId } = context
  const clearTransaction = await services.auth.strategy.clearTransactionCookie()
  try {
    const { claims, returnTo } = await services.auth.authenticator.authenticate('oidc', request)
    const { setCookie } = await completeSignIn(services.db, services.config, claims, requestId)
    const headers = new Headers({ 'cache-control': 'no-store' })
    headers.append('set-cookie', setCookie)
    headers.append('set-cookie', clearTransaction)
    return redirect(returnTo, { headers })
  } catch (error) {
    if (error instanceof Response) throw error
    const reason: SignInFailure = error instanceof SignInError ? error.reason : 'token_exchange_failed'
    // Reason codes and ids only; the claims may hold a name or an email.
    services.logger.warn({ requestId, reason }, 'sign-in refused')
    const headers = new Headers({ 'cache-control': 'no-store' })
    headers.append('set-cookie', clearTransaction)
    const status = ['unknown_tenant', 'user_disabled', 'identity_conflict'].includes(reason) ? 403 : 401
    return { ok: false, reason, status, headers }
  }
}

export async function signOut(request: Request, context: AppLoadContext): Promise<Response> {
  const clear = await endSession(context.services, request.headers.get('cookie'), context.requestId)
  return redirect('/?signedOut=1', { headers: { 'set-cookie': clear, 'cache-control': 'no-store' } })
}

function errorName(error: unknown) {
  return error instanceof Error ? error.name : 'unknown'
}
