import { configDefaults, defineConfig } from 'vitest/config';

/** The browser tests are a project of their own so that only a run that includes them needs Chromium. */
const browserTests = 'test/e2e/*.browser.test.ts';

export default defineConfig({
  test: {
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Quiet Powertools in tests; failures still print.
    env: {
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_TRACE_ENABLED: 'false',
    },
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, browserTests],
        },
      },
      {
        extends: true,
        // Installs Debian's Chromium first on a fresh machine (or says how), before any browser test runs.
        test: { name: 'browser', include: [browserTests], globalSetup: ['test/setup/chromium.ts'] },
      },
    ],
  },
});
