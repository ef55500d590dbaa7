// Liveness: the process answers. No dependencies, so a slow database never
// makes App Service restart a healthy instance.
export function loader() {
  return Response.json({ status: 'ok' }, { headers: { 'cache-control': 'no-store' } })
}
