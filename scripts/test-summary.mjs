// Prints one closing line for the whole `pnpm test` run: "tests: N passed, N failed, N skipped",
// from the JSON reports vitest and Playwright wrote to .reports/. Exits non-zero when a report is
// missing or empty, so a run that executed no test cannot pass as green.
import { readFileSync } from 'node:fs';

function read(file) {
  try {
    return JSON.parse(readFileSync(new URL(`../.reports/${file}`, import.meta.url), 'utf8'));
  } catch {
    return undefined;
  }
}

const unit = read('vitest.json');
const e2e = read('playwright.json');
if (!unit || !e2e) {
  console.error(
    `[skewless] missing test report: ${!unit ? '.reports/vitest.json ' : ''}${!e2e ? '.reports/playwright.json' : ''}`,
  );
  process.exit(1);
}
const passed = unit.numPassedTests + e2e.stats.expected + e2e.stats.flaky;
const failed = unit.numFailedTests + e2e.stats.unexpected;
const skipped = unit.numPendingTests + unit.numTodoTests + e2e.stats.skipped;
console.log(`unit: ${unit.numPassedTests} passed, e2e: ${e2e.stats.expected} passed`);
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
