import { chromium } from '@playwright/test';
import { launchOptions } from './chromium.js';
import { buildAll, removeBuilds } from './harness/builds.js';
import { writeReport } from './report/html.js';
import { printTable } from './report/table.js';
import { scenarios } from './scenarios/catalog.js';
import type { ScenarioResult } from './scenarios/types.js';

/** A scenario that could not run: why, instead of numbers. */
export interface Skipped {
  id: string;
  reason: string;
}

async function main(): Promise<number> {
  process.stderr.write('[skewless] building the playground (v1 and v2, three ways)…\n');
  const builds = await buildAll();
  for (const [mode, error] of Object.entries(builds.errors)) {
    process.stderr.write(
      `[skewless] the "${mode}" build failed; scenarios that need it are skipped:\n${error}\n`,
    );
  }
  const browser = await chromium.launch(launchOptions);
  const results: ScenarioResult[] = [];
  const skipped: Skipped[] = [];
  try {
    for (const scenario of scenarios) {
      process.stderr.write(`[skewless] scenario ${scenario.id}…\n`);
      try {
        results.push(await scenario.run({ browser, builds }));
      } catch (error) {
        skipped.push({ id: scenario.id, reason: (error as Error).message.split('\n')[0] ?? '' });
      }
    }
  } finally {
    await browser.close();
    await removeBuilds(builds);
  }
  printTable(results, skipped);
  const path = await writeReport(results, skipped);
  process.stdout.write(`\nReport: ${path}\n`);
  return results.length > 0 ? 0 : 1;
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
