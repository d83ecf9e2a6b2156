import type { ScenarioResult } from '../scenarios/types.js';

/**
 * A small inline SVG bar chart: per scenario, failed requests (red), failed navigations (orange)
 * reloads (blue) and other-release bytes (purple), so the unprotected rows stand out next to the Skewless ones.
 */
export function barChart(results: readonly ScenarioResult[]): string {
  const series = [
    { key: 'failedRequests', color: '#dc2626', label: 'failed requests' },
    { key: 'failedNavigations', color: '#ea580c', label: 'failed navigations' },
    { key: 'reloads', color: '#2563eb', label: 'reloads' },
    { key: 'wrongBytes', color: '#7c3aed', label: 'wrong bytes' },
  ] as const;
  const max = Math.max(1, ...results.flatMap((r) => series.map((s) => r[s.key])));
  const rowHeight = 44;
  const width = 560;
  const left = 150;
  const bar = (width - left - 40) / max;
  const rows = results.map((r, i) => {
    const y = 30 + i * rowHeight;
    const bars = series.map((s, j) => {
      const w = Math.max(1, r[s.key] * bar);
      return `<rect x="${left}" y="${y + j * 9}" width="${w.toFixed(1)}" height="8" fill="${s.color}"><title>${s.label}: ${r[s.key]}</title></rect><text x="${left + w + 4}" y="${y + j * 9 + 8}" font-size="9">${r[s.key]}</text>`;
    });
    return `<text x="0" y="${y + 16}" font-size="12">${r.id}</text>${bars.join('')}`;
  });
  // Legend entries sit one after another, each as wide as its label (about 6 px a character at 11 px).
  let x = 0;
  const legend = series
    .map((s) => {
      const item = `<rect x="${x}" y="4" width="10" height="10" fill="${s.color}"/><text x="${x + 14}" y="13" font-size="11">${s.label}</text>`;
      x += 14 + s.label.length * 6 + 16;
      return item;
    })
    .join('');
  const height = 40 + results.length * rowHeight;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img" aria-label="Failures and reloads per scenario">${legend}${rows.join('')}</svg>`;
}
