// An erasure receipt as a JSON file, for the admins of the person's clinic.
import type { LoaderFunctionArgs } from '@remix-run/node'
import { downloadReceipt } from '#app/utils/downloads.server.ts'

export function loader({ request, context, params }: LoaderFunctionArgs) {
  return downloadReceipt(request, context, params.userId)
}
