import { existsSync } from 'node:fs'
import { defineConfig, devices } from '@playwright/test'

// Debian's Chromium: Playwright cannot download its own browser on these machines.
const systemChromium = '/usr/bin/chromium'
const port = Number(process.env.E2E_PORT ?? 3100)

export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: 'test-results',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  use: {
    baseURL: `http://localhost:${port}`,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: existsSync(systemChromium) ? systemChromium : undefined,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
  // The browser asks for English unless a test says otherwise (tests/e2e/i18n.spec.ts asks for German).
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'], locale: 'en-US' } }],
  // The whole local stack on its own ports and a fresh data folder.
  webServer: {
    command: 'tsx infra/local/dev.ts',
    url: `http://localhost:${port}/ready`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
    env: {
      PORT: String(port),
      CLINAI_DATA_DIR: '.data/e2e',
      CLINAI_FRESH: '1',
      CLINAI_PG_PORT: process.env.E2E_PG_PORT ?? '54339',
      CLINAI_OIDC_PORT: process.env.E2E_OIDC_PORT ?? '5576',
      CLINAI_AOAI_PORT: process.env.E2E_AOAI_PORT ?? '5577',
      CLINAI_AZURITE_PORT: process.env.E2E_AZURITE_PORT ?? '10400',
      LOG_LEVEL: 'warn',
    },
  },
})
