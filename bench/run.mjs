// `pnpm bench`: speed and memory figures for the README. Benchmarks measure; tests assert.
import { benchManifest } from './manifest.mjs';

const results = [];
results.push(await benchManifest());

const rows = results.map((r) => `| ${r.name} | ${r.ms} ms | ${r.rate} | ${r.heapMiB} MiB |`);
console.log(['| benchmark | best of 3 | rate | heap growth |', '|---|---|---|---|', ...rows].join('\n'));
console.log(`\nNode ${process.version}, ${(await import('node:os')).cpus().length} cores`);
