// `pnpm bench`: speed and memory figures for the README. Benchmarks measure; tests assert.
// The plugin's cost on `vite build` is `pnpm bench:plugin` (bench/plugin-overhead.mjs).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

import { benchManifest } from './manifest.mjs';
import { benchUpload } from './upload.mjs';

const results = [];
results.push(await benchManifest());
results.push(...(await benchUpload()));

const rows = results.map((r) => `| ${r.name} | ${r.ms} ms | ${r.rate} | ${r.heapMiB} MiB |`);
console.log(['| benchmark | time | rate | heap growth |', '|---|---|---|---|', ...rows].join('\n'));
console.log(`\nNode ${process.version}, ${(await import('node:os')).cpus().length} cores`);
