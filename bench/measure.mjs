import { performance } from 'node:perf_hooks';

/** Wall time of one call and the heap it grew by (after a GC when --expose-gc is on). */
export async function measure(fn) {
  globalThis.gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  const value = await fn();
  const ms = performance.now() - t0;
  const heapMiB = (process.memoryUsage().heapUsed - heap0) / 1024 / 1024;
  return { value, ms: Math.round(ms), heapMiB: Math.max(0, Math.round(heapMiB * 10) / 10) };
}

/** The median of `xs`. */
export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
/** `x` milliseconds, rounded, for a table. */
export const ms = (x) => `${Math.round(x)} ms`;
/** The min–max of `xs`, rounded. */
export const range = (xs) => `${Math.round(Math.min(...xs))}–${Math.round(Math.max(...xs))}`;
