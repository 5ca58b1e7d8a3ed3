// One way for every browser test to start Chromium: the executable found by prerequisites.ts and
// the flags this sandboxed, offline machine needs.
import { type Browser, type BrowserContext, chromium, type LaunchOptions } from 'playwright-core';
import { CHROMIUM, requireExecutable } from './prerequisites.js';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Chromium's path; throws one line saying how to get it when there is none. */
export function chromiumExecutable(): string {
  return requireExecutable(CHROMIUM);
}

export function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumExecutable(), headless: true, args: CHROMIUM_ARGS, ...options });
}

export function launchChromiumContext(
  profileDir: string,
  options: Parameters<typeof chromium.launchPersistentContext>[1] = {},
): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profileDir, {
    executablePath: chromiumExecutable(),
    headless: true,
    args: CHROMIUM_ARGS,
    ...options,
  });
}
