import { redirect } from '@remix-run/node'

// The settings area opens on its first section.
export function loader() {
  return redirect('/app/settings/people')
}
