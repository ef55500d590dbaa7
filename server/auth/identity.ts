// Who is calling, once authenticated: a browser session or a personal access token.
export type UserRole = 'therapist' | 'admin'

export interface Identity {
  tenantId: string
  userId: string
  role: UserRole
  via: 'session' | 'token'
  /** The session (hashed id) or token id that authenticated this request. */
  credentialId: string
}

/** Why a presented credential was refused; requests without one are simply anonymous. */
export type AuthFailure = 'invalid_credentials' | 'malformed_authorization'
