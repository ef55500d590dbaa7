// Admin-only procedures, grouped by what they administer.
import { router } from '../init.ts'
import { adminRetentionRouter } from './admin-retention.ts'
import { adminAuditRouter } from './admin-audit.ts'
import { adminNoteTemplatesRouter } from './admin-note-templates.ts'
import { adminSettingsRouter } from './admin-settings.ts'
import { adminUsageRouter } from './admin-usage.ts'
import { adminUsersRouter } from './admin-users.ts'

export const adminRouter = router({
  users: adminUsersRouter,
  settings: adminSettingsRouter,
  retention: adminRetentionRouter,
  usage: adminUsageRouter,
  audit: adminAuditRouter,
  noteTemplates: adminNoteTemplatesRouter,
})
