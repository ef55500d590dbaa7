// Where the account menu stores the person's language and theme (app/routes/app.preferences.ts).
export const PREFERENCES_ACTION = '/app/preferences'

/** How the pages look; `system` follows the device's setting. */
export const THEMES = ['system', 'light', 'dark'] as const
export type Theme = (typeof THEMES)[number]

export function isTheme(value: unknown): value is Theme {
  return typeof value === 'string' && (THEMES as readonly string[]).includes(value)
}
