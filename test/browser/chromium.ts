import { chromium, type Browser, type Page } from "playwright-core";
import { BROWSER_USER_AGENT } from "#/demo/demo";

/** Debian's Chromium, never a downloaded browser; no background calls to Google's hosts. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

/**
 * A page that does not announce "HeadlessChrome": Shopify's library turns bots away (410),
 * and these tests stand in for a merchant's or shopper's browser.
 */
export function newPage(browser: Browser): Promise<Page> {
  return browser.newPage({ viewport: { width: 1280, height: 900 }, userAgent: BROWSER_USER_AGENT });
}
