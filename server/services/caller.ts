// Who a service acts for: the same type whoever calls it (a page, a tRPC
// procedure, a job). A person's own content is filtered by both fields, and
// row-level security holds the same in the database; an `Identity` from
// authentication is one.
export interface Caller {
  tenantId: string
  userId: string
}

/** What a service of the whole clinic (settings, usage, audit trail) needs of its caller. */
export type ClinicCaller = Pick<Caller, 'tenantId'>
