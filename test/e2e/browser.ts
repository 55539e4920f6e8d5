import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startServer, type TestServer } from './server.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = fs.existsSync(CHROMIUM);
export const SCREENSHOT_DIR = path.resolve('test-output/e2e');

if (!hasChromium) {
  if (process.env.CI) {
    throw new Error(`e2e: ${CHROMIUM} not found. Install it in the CI image (apt-get install -y chromium).`);
  }
  console.warn(`e2e: ${CHROMIUM} not found — skipping the browser tests. Run: apt-get install -y chromium`);
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export const DEMO_PASSWORD = 'ControlBook2026';

/** Sign in through the login form and wait for the app shell. */
export async function signIn(page: Page, baseUrl: string, username: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
}

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

export interface BrowserSuite {
  /** the app server of this suite (set once beforeAll has run) */
  readonly server: TestServer;
  /** A fresh browser context (own cookies, own storage) per scenario; the page must raise no errors. */
  withPage(fn: (page: Page) => Promise<void>): Promise<void>;
}

/**
 * A server and Chromium for the enclosing `describe`, started before its tests and stopped after.
 * Register it first: later `beforeAll` hooks (test data through the API) run after it.
 */
export function browserSuite(options: { viewport?: { width: number; height: number }; acceptDownloads?: boolean; failOnCspErrors?: boolean } = {}): BrowserSuite {
  let server: TestServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });
  return {
    get server() {
      if (!server) throw new Error('browserSuite: the server is not started yet');
      return server;
    },
    async withPage(fn) {
      const context = await browser!.newContext({
        viewport: options.viewport ?? { width: 1440, height: 900 },
        locale: 'zh-CN',
        acceptDownloads: options.acceptDownloads ?? false,
      });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (err) => errors.push(err.message));
      if (options.failOnCspErrors) {
        page.on('console', (msg) => {
          if (msg.type() === 'error' && /Content Security Policy/i.test(msg.text())) errors.push(msg.text());
        });
      }
      try {
        await fn(page);
        expect(errors).toEqual([]);
      } finally {
        await context.close();
      }
    },
  };
}
