/**
 * Headless Chromium for the end-to-end tests: Debian's /usr/bin/chromium through playwright-core,
 * with the flags that keep it quiet and fast in a container (no sandbox, GPU, background traffic).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const chromiumPath = '/usr/bin/chromium';
export const chromiumArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-quic', '--no-first-run', '--disable-sync'];
/** Where the e2e tests leave their screenshots (kept by CI with the test results). */
export const screenshotDir = join(process.cwd(), 'test-results');

/** Launches Chromium and makes sure {@link screenshotDir} exists. Close it in `afterAll`. */
export async function launchChromium(): Promise<Browser> {
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  await mkdir(screenshotDir, { recursive: true });
  return browser;
}
