import { defineConfig } from '@playwright/test';
import { launchOptions } from './src/chromium.js';

export default defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  // Builds the playground (v1 and v2, each mode) once per run into e2e/.run/ for the skew specs.
  globalSetup: './src/global-setup.ts',
  // Scenarios start their own servers on free ports; two workers fit the 2-core CI machine.
  workers: process.env.CI ? 2 : undefined,
  fullyParallel: false,
  retries: 0,
  timeout: 60_000,
  reporter: process.env.CI ? [['list']] : [['list']],
  use: {
    browserName: 'chromium',
    launchOptions,
    trace: 'off',
  },
});
