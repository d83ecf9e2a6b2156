import type { TimelineEvent } from '../harness/timeline.js';

const escapeHtml = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);

/**
 * One scenario on one time axis: the deploy steps (numbered, as in the notes) above, the tab's requests
 * below (red when they failed, blue for page loads), then every event in a table a reader can open.
 */
export function timelineHtml(events: readonly TimelineEvent[]): string {
  if (events.length === 0) return '';
  const end = Math.max(1, ...events.map((e) => e.ms));
  const width = 560;
  const left = 56;
  const x = (ms: number) => left + (ms / end) * (width - left - 10);
  let step = 0;
  // Steps closer than a label's width share one label ("1–3"), so the numbers never overlap.
  const labels: { x: number; from: number; to: number }[] = [];
  const ticks = events.map((e) => {
    const at = x(e.ms).toFixed(1);
    const title = `<title>${(e.ms / 1000).toFixed(2)} s: ${escapeHtml(e.text)}</title>`;
    if (e.lane === 'deploy') {
      step++;
      const last = labels.at(-1);
      if (last && x(e.ms) - last.x < 14) last.to = step;
      else labels.push({ x: x(e.ms), from: step, to: step });
      return `<g><line x1="${at}" y1="14" x2="${at}" y2="34" stroke="#111" stroke-width="1.5"/>${title}</g>`;
    }
    const load = e.text.startsWith('page load');
    const color = e.failed ? '#dc2626' : load ? '#2563eb' : '#9ca3af';
    return `<g><line x1="${at}" y1="${load ? 40 : 46}" x2="${at}" y2="62" stroke="${color}" stroke-width="${e.failed || load ? 2 : 1}"/>${title}</g>`;
  });
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="80" role="img" aria-label="Deploy steps and the tab's requests over time">
<text x="0" y="28" font-size="10">deploy</text><text x="0" y="58" font-size="10">tab</text>
<line x1="${left}" y1="66" x2="${width - 10}" y2="66" stroke="#ccc"/>
<text x="${left}" y="78" font-size="9">0 s</text><text x="${width - 10}" y="78" font-size="9" text-anchor="end">${(end / 1000).toFixed(1)} s</text>
${ticks.join('')}${labels
  .map(
    (l) =>
      `<text x="${l.x.toFixed(1)}" y="11" font-size="9" text-anchor="middle">${l.from === l.to ? l.from : `${l.from}–${l.to}`}</text>`,
  )
  .join('')}</svg>`;
  step = 0;
  const rows = events
    .map((e) => {
      const label = e.lane === 'deploy' ? `deploy step ${++step}` : 'tab';
      const style = e.failed ? ' style="color:#dc2626"' : '';
      return `<tr${style}><td>${(e.ms / 1000).toFixed(2)} s</td><td>${label}</td><td>${escapeHtml(e.text)}</td></tr>`;
    })
    .join('');
  return `<h3>Timeline</h3>${svg}<details><summary>Every event (${events.length})</summary><table><tr><th>time</th><th>lane</th><th>event</th></tr>${rows}</table></details>`;
}
