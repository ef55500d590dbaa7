// The first and last names the detector knows: a generated list (./data/names.ts, from
// @faker-js/faker's locale data of many origins and a supplement; see ./data/collect-names.ts).
// Built into sets once, lazily, on the server only.
import { FIRST_NAMES, LAST_NAMES } from './data/names.ts'

export interface NameLists {
  first: Set<string>
  last: Set<string>
}

let built: NameLists | undefined

export function nameLists(): NameLists {
  built ??= { first: new Set(FIRST_NAMES.split('\n')), last: new Set(LAST_NAMES.split('\n')) }
  return built
}
