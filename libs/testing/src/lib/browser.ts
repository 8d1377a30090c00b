import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`); CHROMIUM_PATH overrides it. */
export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

// Headless, no sandbox (CI runs as root), and nothing that phones home: updates, sync, first-run pages.
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export interface TestBrowser {
  context: BrowserContext;
  /** URLs the pages tried to load from anywhere but `origin` (all refused). */
  foreignRequests: string[];
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/**
 * Chromium with a fresh profile (--user-data-dir, through launchPersistentContext: Playwright refuses the
 * flag in `args`). Requests to any other origin are aborted and recorded, so a page that needs the
 * network outside the gateway is caught. Each page records CSP violations in `window.__cspViolations`.
 */
export const launchBrowser = async (origin: string, viewport = { width: 1280, height: 900 }): Promise<TestBrowser> => {
  // Loaded on use: the other suites importing this library never pay for Playwright.
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'chromium-profile-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, viewport });
  const foreignRequests: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(`${origin}/`) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
    foreignRequests.push(url);
    return route.abort();
  });
  // Page code as a string: this library is compiled without the DOM types.
  await context.addInitScript({
    content: "window.__cspViolations = []; document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));",
  });
  return {
    context,
    foreignRequests,
    newPage: () => context.newPage(),
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
};

export const chromiumAvailable = (): boolean => existsSync(CHROMIUM_PATH);
