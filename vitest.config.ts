import { configDefaults, defineConfig } from 'vitest/config';

/** The browser tests are a project of their own so that only a run that includes them needs Chromium. */
const browserTests = 'test/e2e/*.browser.test.ts';
/**
 * Files that need modules of their own: this one sets the log level before the logger is made (at
 * import) and records every log line, so it cannot share a worker's modules with the others.
 */
const ownModules = ['test/workflow/nothing-personal-logged.test.ts'];

export default defineConfig({
  test: {
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Vitest's default on 2 cores is a single worker. Two: one per core, each file's local system mostly
    // waiting on its own HTTP servers, Chromium or a pd-admin subprocess part of the time.
    maxWorkers: 2,
    // A worker imports the application (the SDK clients, every handler, the CDK) once, not once per file:
    // that import took longer than most files' tests. Each file still starts its own local system, so
    // nothing a test sees is shared but the modules, which hold no state of a run.
    isolate: false,
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
          exclude: [...configDefaults.exclude, browserTests, ...ownModules],
        },
      },
      { extends: true, test: { name: 'own-modules', include: ownModules, isolate: true } },
      {
        extends: true,
        // Installs Debian's Chromium first on a fresh machine (or says how), before any browser test runs.
        test: {
          name: 'browser',
          include: [browserTests],
          globalSetup: ['test/setup/chromium.ts', 'test/setup/chromium-server.ts'],
        },
      },
    ],
  },
});
