// Bridge: the one rule for redirect targets that come from a request.
export { safeReturnPath, signInReturnPath } from '#server/http/return-path.ts'
