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
