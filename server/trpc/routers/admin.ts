// Admin-only procedures, grouped by what they administer.
import { router } from '../init.ts'
import { adminNoteTemplatesRouter } from './admin-note-templates.ts'
import { adminSettingsRouter } from './admin-settings.ts'
import { adminUsersRouter } from './admin-users.ts'

export const adminRouter = router({
  users: adminUsersRouter,
  settings: adminSettingsRouter,
  noteTemplates: adminNoteTemplatesRouter,
})
