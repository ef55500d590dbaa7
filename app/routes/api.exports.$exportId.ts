// An export archive of the signed-in person (cookie or personal access token), streamed from Blob.
import type { LoaderFunctionArgs } from '@remix-run/node'
import { downloadExport } from '#app/utils/downloads.server.ts'

export function loader({ request, context, params }: LoaderFunctionArgs) {
  return downloadExport(request, context, params.exportId)
}
