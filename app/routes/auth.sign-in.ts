// Starts a sign-in at the identity provider; `returnTo` brings the person back afterwards.
import type { LoaderFunctionArgs } from '@remix-run/node'
import { startSignIn } from '#app/utils/sign-in.server.ts'

export async function loader({ request, context }: LoaderFunctionArgs) {
  return startSignIn(request, context)
}
