import type { UploadProgress } from '@skewless/core';
import pc from 'picocolors';

/** Bytes as people read them: 1.5 MB. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/**
 * A one-line progress display for a TTY (files, bytes, rate), redrawn in place on `stream`. Returns the
 * `onProgress` callback and `clear()` to call before printing the summary. Draws at most every 100 ms.
 */
export function createProgressLine(stream: NodeJS.WriteStream): {
  onProgress: (p: UploadProgress) => void;
  clear: () => void;
} {
  let shown = false;
  let last = 0;
  let phaseStart = Date.now();
  let phase = '';
  const clear = () => {
    if (shown) stream.write('\r\x1b[2K');
    shown = false;
  };
  return {
    clear,
    onProgress(p) {
      const now = Date.now();
      if (p.phase !== phase) {
        phase = p.phase;
        phaseStart = now;
      } else if (now - last < 100 && p.files < p.totalFiles) {
        return;
      }
      last = now;
      if (p.phase === 'done') return clear();
      let line = `${pc.cyan('[skewless]')} ${p.phase}`;
      if (p.phase === 'assets' || p.phase === 'documents') {
        const seconds = Math.max((now - phaseStart) / 1000, 0.001);
        line += ` ${p.files}/${p.totalFiles} files, ${formatBytes(p.bytes)}/${formatBytes(p.totalBytes)}, ${formatBytes(p.bytes / seconds)}/s`;
      }
      const width = stream.columns || 100;
      stream.write(`\r\x1b[2K${line.slice(0, width + 20)}`);
      shown = true;
    },
  };
}
