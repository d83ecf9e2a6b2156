import { defineConfig } from '@playwright/test';
import { launchOptions } from './src/chromium.js';

// The scenarios upload through the engine in the worker processes; the AWS SDK's notice about its future Node
// support is noise in a test log (the CLI and the plugin silence it the same way).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export default defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  // Builds the playground (v1 and v2, each mode) once per run into e2e/.run/ for the skew specs.
  globalSetup: './src/global-setup.ts',
  // Scenarios start their own servers on free ports; two workers fit the 2-core CI machine.
  workers: process.env.CI ? 2 : undefined,
  fullyParallel: false,
  retries: 0,
  // A test.only left in a commit would make CI run one test and pass.
  forbidOnly: Boolean(process.env.CI),
  timeout: 60_000,
  // The JSON report feeds the one-line summary `pnpm test` prints at the end (scripts/test-summary.mjs).
  reporter: [['list'], ['json', { outputFile: '../.reports/playwright.json' }]],
  use: {
    browserName: 'chromium',
    launchOptions,
    trace: 'off',
  },
});
