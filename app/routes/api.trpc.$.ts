// The typed API for pages and scripts: tRPC over the fetch adapter, batching on.
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { handleTrpcRequest } from '#app/utils/trpc-http.server.ts'

export function loader({ request, context }: LoaderFunctionArgs) {
  return handleTrpcRequest(request, context)
}

export function action({ request, context }: ActionFunctionArgs) {
  return handleTrpcRequest(request, context)
}
