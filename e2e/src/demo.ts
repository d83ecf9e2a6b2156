import { type Browser, chromium } from '@playwright/test';
import { launchOptions } from './chromium.js';
import { buildAll, removeBuilds } from './harness/builds.js';
import { startTimeline } from './harness/timeline.js';
import { writeReport } from './report/html.js';
import { printTable } from './report/table.js';
import { scenarios } from './scenarios/catalog.js';
import { verdict } from './scenarios/result.js';
import type { ScenarioResult } from './scenarios/types.js';

/** A scenario that could not run: why, instead of numbers. */
export interface Skipped {
  id: string;
  reason: string;
}

// The AWS SDK warns once per process that releases after January 2027 want Node 22; on Node 20 today
// that paragraph would sit in the middle of the demo's table. Set the variable to "false" to see it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

async function main(): Promise<number> {
  process.stderr.write('[skewless] building the playground (v1 and v2, three ways)…\n');
  const builds = await buildAll();
  for (const [mode, error] of Object.entries(builds.errors)) {
    process.stderr.write(
      `[skewless] the "${mode}" build failed; scenarios that need it are skipped:\n${error}\n`,
    );
  }
  const results: ScenarioResult[] = [];
  const skipped: Skipped[] = [];
  let browser: Browser | undefined;
  try {
    // Inside the try: a Chromium that fails to start must not leave the builds behind.
    browser = await chromium.launch(launchOptions);
    for (const scenario of scenarios) {
      process.stderr.write(`[skewless] scenario ${scenario.id}…\n`);
      const timeline = startTimeline();
      try {
        const result = await scenario.run({ browser, builds });
        results.push({ ...result, timeline: timeline() });
      } catch (error) {
        timeline();
        skipped.push({ id: scenario.id, reason: (error as Error).message.split('\n')[0] ?? '' });
      }
    }
  } finally {
    await browser?.close();
    await removeBuilds(builds);
  }
  printTable(results, skipped);
  const path = await writeReport(results, skipped);
  process.stdout.write(`\nReport: ${path}\n`);
  // Non-zero when a scenario could not run or did not show what it is set up to show.
  return skipped.length === 0 && results.every((r) => verdict(r).ok) ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`[skewless] the demo failed: ${(error as Error).stack ?? error}\n`);
    process.exitCode = 1;
  },
);
