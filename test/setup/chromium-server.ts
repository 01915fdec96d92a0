/**
 * The browser tests' one Chromium (vitest.config.ts, after test/setup/chromium.ts has made sure it is
 * installed): started once for the run, each test file connecting to it for contexts of its own, instead
 * of a browser launched and closed per file. Headless, and nothing the browser would fetch for itself:
 * only the local system's pages are loaded.
 */
import { chromium } from 'playwright-core';
import type { TestProject } from 'vitest/node';
import { CHROMIUM } from './chromium.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where the run's Chromium listens (Playwright's `chromium.connect`). */
    chromiumEndpoint: string;
  }
}

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export default async function setup(project: TestProject) {
  const server = await chromium.launchServer({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  project.provide('chromiumEndpoint', server.wsEndpoint());
  return () => server.close();
}
