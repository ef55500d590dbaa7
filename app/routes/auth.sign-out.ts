// Sign-out ends the session on the server, not just in the browser.
import type { ActionFunctionArgs } from '@remix-run/node'
import { redirect } from '@remix-run/node'
import { signOut } from '#app/utils/sign-in.server.ts'

export async function action({ request, context }: ActionFunctionArgs) {
  return signOut(request, context)
}

export function loader() {
  return redirect('/')
}
