// One accessibility check for every browser test: axe-core finds no serious or
// critical violation on the page as it stands, and it really looked at something.
import AxeBuilder from '@axe-core/playwright'
import { expect, type Page, type TestInfo } from '@playwright/test'

/** Fails with each violation's rule, impact and elements; attaches the full report when told where. */
export async function expectNoSeriousViolations(page: Page, testInfo: TestInfo | null, label: string) {
  const results = await new AxeBuilder({ page }).analyze()
  const serious = results.violations.filter(
    (violation) => violation.impact === 'serious' || violation.impact === 'critical',
  )
  await testInfo?.attach(`axe-${label}.json`, {
    body: JSON.stringify(results.violations, null, 2),
    contentType: 'application/json',
  })
  expect(
    serious.map((violation) => ({
      rule: violation.id,
      impact: violation.impact,
      targets: violation.nodes.map((node) => node.target.join(' ')),
    })),
    `axe: ${label}`,
  ).toEqual([])
  // The scan looked at the page, not at an empty document.
  expect(results.passes.length).toBeGreaterThan(10)
}
