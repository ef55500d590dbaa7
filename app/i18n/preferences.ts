// Where the account menu stores the person's language (app/routes/app.preferences.ts).
export const PREFERENCES_ACTION = '/app/preferences'
