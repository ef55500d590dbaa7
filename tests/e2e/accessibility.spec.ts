// Accessibility and looks: axe-core finds no serious or critical violations on
// the workspace, with the account menu open and on search results, in light and
// dark; the sidebar collapses behind a menu button at phone width; screenshots
// of the workspace at desktop and phone width, light and dark, are attached.
import { expect, test } from '@playwright/test'
import { demoAccount } from './support.ts'
import {
  conversationList,
  openAccountMenu,
  signInToWorkspace,
  waitForHydration,
} from './workspace-support.ts'
import { expectNoSeriousViolations } from './axe.ts'

const account = demoAccount(1, 'therapist', 0)

for (const colorScheme of ['light', 'dark'] as const) {
  test(`axe finds no serious problems in the workspace, the account menu and search results (${colorScheme})`, async ({
    page,
  }, testInfo) => {
    await page.emulateMedia({ colorScheme })
    await signInToWorkspace(page, account)
    await expect(conversationList(page).locator('li').first()).toBeVisible()
    await expectNoSeriousViolations(page, testInfo, `${colorScheme}-workspace`)

    await openAccountMenu(page)
    await expectNoSeriousViolations(page, testInfo, `${colorScheme}-account-menu`)
    await page.keyboard.press('Escape')

    await page.goto('/app/search?q=Therapie')
    await waitForHydration(page)
    await expect(page.getByRole('list', { name: 'Search results' }).locator('mark').first()).toBeVisible()
    await expectNoSeriousViolations(page, testInfo, `${colorScheme}-search`)
  })
}

test('every control is reachable by keyboard and shows a focus ring', async ({ page }) => {
  await signInToWorkspace(page, account)
  const seen = new Set<string>()
  for (let step = 0; step < 12; step++) {
    await page.keyboard.press('Tab')
    const focused = await page.evaluate(() => {
      const element = document.activeElement as HTMLElement | null
      if (!element || element === document.body) return null
      const style = getComputedStyle(element)
      return {
        name: element.getAttribute('aria-label') ?? element.textContent?.trim() ?? element.tagName,
        outline: style.outlineStyle !== 'none' && Number.parseFloat(style.outlineWidth) >= 2,
      }
    })
    expect(focused, `step ${step}: something has focus`).not.toBeNull()
    expect(focused!.outline, `step ${step}: ${focused!.name} shows a focus ring`).toBe(true)
    seen.add(focused!.name)
  }
  for (const name of ['ClinAI', 'New conversation', 'All conversations', 'No folder']) {
    expect(
      [...seen].some((each) => each.startsWith(name)),
      `${name} was reached`,
    ).toBe(true)
  }
})

const viewports = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
} as const

for (const [device, viewport] of Object.entries(viewports)) {
  for (const colorScheme of ['light', 'dark'] as const) {
    test(`workspace at ${device} width in ${colorScheme} (screenshot)`, async ({ page }, testInfo) => {
      await page.setViewportSize(viewport)
      await page.emulateMedia({ colorScheme })
      await signInToWorkspace(page, account)
      const sidebar = page.getByRole('complementary', { name: 'Workspace' })
      const menuButton = page.getByRole('button', { name: 'Open menu' })
      const shoot = async (state: string) => {
        const name = `workspace-${device}-${colorScheme}-${state}`
        const path = testInfo.outputPath(`${name}.png`)
        await page.screenshot({ path })
        await testInfo.attach(name, { path, contentType: 'image/png' })
      }
      if (device === 'phone') {
        // The sidebar folds away behind a menu button and comes back over the page.
        await expect(sidebar).toBeHidden()
        await expect(page.getByRole('heading', { level: 1, name: 'Start a new conversation' })).toBeVisible()
        await shoot('start')
        await menuButton.click()
        await expect(sidebar).toBeVisible()
        await expect(page.getByRole('button', { name: 'Close menu' })).toBeFocused()
        await shoot('sidebar-open')
        await page.keyboard.press('Escape')
        await expect(sidebar).toBeHidden()
        await expect(menuButton).toBeFocused()
      } else {
        await expect(sidebar).toBeVisible()
        await expect(menuButton).toBeHidden()
        await expect(page.getByRole('heading', { level: 1, name: 'Start a new conversation' })).toBeVisible()
        await shoot('start')
        await openAccountMenu(page)
        await shoot('account-menu')
      }
      const background = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)
      expect(background).toBe(colorScheme === 'dark' ? 'rgb(2, 6, 23)' : 'rgb(255, 255, 255)')
    })
  }
}
