import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Skipped } from '../demo.js';
import { E2E_DIR } from '../harness/builds.js';
import type { ScenarioResult } from '../scenarios/types.js';
import { barChart } from './chart.js';
import { HEAD, tableRows } from './table.js';
import { timelineHtml } from './timeline.js';

export const REPORT_DIR = join(E2E_DIR, 'report');

const escapeHtml = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);

/** Write e2e/report/index.html (table, chart, screenshots, notes); returns its path. */
export async function writeReport(
  results: readonly ScenarioResult[],
  skipped: readonly Skipped[],
): Promise<string> {
  await rm(REPORT_DIR, { recursive: true, force: true });
  await mkdir(REPORT_DIR, { recursive: true });
  const sections: string[] = [];
  for (const r of results) {
    let shot = '';
    if (r.screenshot) {
      await writeFile(join(REPORT_DIR, `${r.id}.png`), r.screenshot);
      shot = `<img src="${r.id}.png" alt="What the user sees at the end of ${escapeHtml(r.id)}" width="320">`;
    }
    const failures = r.failures.length
      ? `<p>Failed requests: <code>${r.failures.map(escapeHtml).join('</code>, <code>')}</code></p>`
      : '';
    const expected = {
      breaks: 'the failure should reproduce',
      recovers: 'one guarded reload, then v2 works',
      clean: 'nothing fails, nothing reloads',
    }[r.expectation];
    sections.push(`<section><h2>${escapeHtml(r.id)}: ${escapeHtml(r.title)}</h2><p>Expected: ${expected}.</p>${shot}
<ol>${r.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ol>${failures}${timelineHtml(r.timeline ?? [])}</section>`);
  }
  const table = `<table><tr>${HEAD.map((h) => `<th>${h}</th>`).join('')}</tr>${tableRows(results)
    .map((row) => `<tr>${row.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`)
    .join('')}</table>`;
  const skippedList = skipped.length
    ? `<h2>Not run</h2><ul>${skipped.map((s) => `<li>${escapeHtml(s.id)}: ${escapeHtml(s.reason)}</li>`).join('')}</ul>`
    : '';
  const html = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Skewless simulation report</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:60rem}table{border-collapse:collapse}
td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}img{border:1px solid #ccc}</style>
<h1>Skewless: rolling deploy through an nginx cache, in Chromium</h1>
<p>Generated ${new Date().toISOString()} by <code>pnpm demo</code>. Each scenario runs the playground's v1 and v2
behind Debian's nginx (round-robin balancer and proxy cache) over local origins and a local S3 bucket, while
Chromium stays on the page. <em>Failed requests</em>: status ≥ 400 or network errors the browser saw;
<em>failed navigations</em>: route opens or page loads that did not render; <em>reloads</em>: page loads nobody
asked for; <em>wrong bytes</em>: asset responses whose bytes belong to another release than the URL asked for.
A row whose setup is unprotected passes when the failure reproduces; a Skewless row passes when nothing fails.</p>${table}${barChart(results)}${skippedList}${sections.join('\n')}</html>
`;
  const path = join(REPORT_DIR, 'index.html');
  await writeFile(path, html);
  return path;
}
