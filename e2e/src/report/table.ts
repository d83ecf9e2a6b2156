import type { Skipped } from '../demo.js';
import { verdict } from '../scenarios/result.js';
import type { ScenarioResult } from '../scenarios/types.js';

/** The column headings of the demo table. */
export const HEAD = [
  'scenario',
  'failed requests',
  'failed navigations',
  'reloads',
  'wrong bytes',
  'user sees',
  'verdict',
];

/** The rows of the demo table, shared by the terminal and the HTML report. */
export function tableRows(results: readonly ScenarioResult[]): string[][] {
  return results.map((r) => [
    r.id,
    String(r.failedRequests),
    String(r.failedNavigations),
    String(r.reloads),
    String(r.wrongBytes),
    `${r.userSees.version || '-'} ${r.userSees.route} ${r.userSees.state}`,
    `${verdict(r).ok ? 'PASS' : 'FAIL'}: ${verdict(r).text}`,
  ]);
}

/** Print the results as an aligned plain-text table on stdout. */
export function printTable(results: readonly ScenarioResult[], skipped: readonly Skipped[]): void {
  const rows = [HEAD, ...tableRows(results)];
  const widths = HEAD.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  const out = [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)];
  for (const s of skipped) out.push(`${s.id}: not run (${s.reason})`);
  process.stdout.write(`\n${out.join('\n')}\n`);
}
