// Actions read their form through here: a body that claims to be a form and is not
// (broken multipart, a cut-off upload) is the sender's mistake, a 400, not a 500.
// Content types other than forms never get this far (server/http/request-body.ts).

export async function readForm(request: Request): Promise<FormData> {
  try {
    return await request.formData()
  } catch {
    throw Response.json({ error: { code: 'invalid_form' } }, { status: 400 })
  }
}
