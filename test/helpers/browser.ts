/**
 * Headless Chromium for the browser tests: Debian's `chromium` package (no browser download)
 * driven by `playwright-core`, with a fresh profile per launch. Screenshots go to
 * `test-artifacts/` (ignored by git), written on every run.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'

/** Where Debian's chromium package installs the browser (`.ci/run` installs it when missing). */
export const CHROMIUM = process.env.CEH_CHROMIUM ?? '/usr/bin/chromium'
/** Screenshots of the browser tests. */
export const ARTIFACTS = path.resolve(__dirname, '..', '..', 'test-artifacts')

/** A browser with one page and its own temporary profile. */
export interface BrowserSession {
  context: BrowserContext
  page: Page
  /** Saves a full-page screenshot as `test-artifacts/<name>.png`; returns the file. */
  screenshot(name: string): Promise<string>
  close(): Promise<void>
}

/** Launches chromium headless (fails with how to install it when it is missing). */
export async function launchBrowser(viewport = { width: 1280, height: 900 }): Promise<BrowserSession> {
  if (!fs.existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (apt-get install -y chromium)`)
  const profile = fs.mkdtempSync(path.join(process.env.CEH_TEST_TMP ?? os.tmpdir(), 'chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    acceptDownloads: true,
    viewport,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  })
  const page = context.pages()[0] ?? (await context.newPage())
  fs.mkdirSync(ARTIFACTS, { recursive: true })
  return {
    context,
    page,
    async screenshot(name) {
      const file = path.join(ARTIFACTS, `${name}.png`)
      await page.screenshot({ path: file, fullPage: true })
      return file
    },
    async close() {
      await context.close()
      fs.rmSync(profile, { recursive: true, force: true })
    },
  }
}
