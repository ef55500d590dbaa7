// Reading the settings area's forms: text fields, and numbers where an empty field
// means "none". What is not a number goes on as it is, for the procedure to refuse.

export function formText(form: FormData, name: string): string {
  const value = form.get(name)
  return typeof value === 'string' ? value : ''
}

/** `''` is null (none); a number is a number; anything else is passed on for the procedure to refuse. */
export function formNumberOrNull(form: FormData, name: string): number | null | string {
  const text = formText(form, name)
    .trim()
    .replace(/[\s.,’']/g, '')
  if (text === '') return null
  return /^-?\d+$/.test(text) ? Number(text) : text
}
