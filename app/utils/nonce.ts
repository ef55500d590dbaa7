// The Content-Security-Policy nonce of the page being rendered on the server, for
// Remix's inline scripts. In the browser it is empty: the scripts have already run.
import { createContext, useContext } from 'react'

export const NonceContext = createContext('')

export function useNonce(): string {
  return useContext(NonceContext)
}
