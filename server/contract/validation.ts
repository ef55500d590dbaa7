// Zod's issues as the contract's validation codes, keyed by field path. Schemas
// name a code as their message (`.min(1, 'required')`); any other issue gets the
// code of its kind, so no library sentence reaches a client.
import type { z } from 'zod'
import { isValidationCode, type FieldErrors, type ValidationCode } from './codes.ts'

export function validationCode(issue: z.core.$ZodIssue): ValidationCode {
  if (isValidationCode(issue.message)) return issue.message
  switch (issue.code) {
    case 'too_small':
      return issue.origin === 'string' ? 'too_short' : 'too_small'
    case 'too_big':
      return issue.origin === 'string' ? 'too_long' : 'too_big'
    case 'invalid_format':
      return issue.format === 'uuid' || issue.format === 'guid' ? 'invalid_id' : 'invalid_format'
    case 'invalid_type':
      // Zod reports a missing field as a value of type undefined.
      return /received undefined/.test(issue.message) ? 'required' : 'invalid_type'
    case 'not_multiple_of':
      return 'not_integer'
    case 'invalid_value':
    case 'invalid_union':
      return 'invalid_value'
    case 'unrecognized_keys':
      return 'unknown_field'
    default:
      return 'invalid'
  }
}

/** Every problem of a failed parse, by field path (dot-separated), first problem first. */
export function fieldErrorsOf(error: z.ZodError): { fieldErrors: FieldErrors; formErrors: ValidationCode[] } {
  const fieldErrors: FieldErrors = {}
  const formErrors: ValidationCode[] = []
  for (const issue of error.issues) {
    const code = validationCode(issue)
    const path = issue.path.map(String).join('.')
    const list = path ? (fieldErrors[path] ??= []) : formErrors
    if (!list.includes(code)) list.push(code)
  }
  return { fieldErrors, formErrors }
}
