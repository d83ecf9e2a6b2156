// `pnpm bench:plugin`: what @skewless/vite adds to `vite build` on an app of realistic size, on
// Vite 7 (Rollup) and Vite 8 (Rolldown) side by side, and how long `checkDeterminism` takes on it.
// Benchmarks measure; they assert nothing.
//
// The app (generated into a temp folder, the same bytes every run): 1,000 JS modules in a module
// graph (an entry, 99 shared modules, 50 lazy chunks of 18 modules each), 50 dynamic imports, one
// CSS file per lazy chunk, 200 assets (SVG and PNG-like files, half above Vite's 4 KiB inline limit
// so they are emitted) and an index.html.
//
// BENCH_RUNS (default 5) builds of each kind per Vite version, plain and with skewless() taking turns
// after one warm-up build of each, so JIT warm-up and the disk cache favour neither. Median and
// min–max are printed, and the overhead as the ratio of the medians.

import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { checkDeterminism } from '@skewless/uploader';
import skewless from '@skewless/vite';
import { median, ms, range } from './measure.mjs';
import { prng as random } from './prng.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SHARED = 99;
const CHUNKS = 50;
const PER_CHUNK = 18; // 1 + SHARED + CHUNKS * PER_CHUNK = 1,000 JS modules, the entry included.
const ASSETS_PER_CHUNK = 4; // 200 assets: two small SVGs (inlined), one large SVG and one PNG (emitted).

// The Vite majors, as the plugin's tests import them (npm aliases in packages/vite-plugin).
const pluginRequire = createRequire(new URL('../packages/vite-plugin/package.json', import.meta.url));
export const VITES = ['vite7', 'vite8'].map((alias) => ({
  alias,
  dir: dirname(pluginRequire.resolve(`${alias}/package.json`)),
}));

function svg(rand, bytes) {
  const shapes = [];
  let size = 0;
  while (size < bytes) {
    const s = `<circle cx="${Math.floor(rand() * 512)}" cy="${Math.floor(rand() * 512)}" r="${Math.floor(rand() * 40)}" fill="#${Math.floor(
      rand() * 0xffffff,
    )
      .toString(16)
      .padStart(6, '0')}"/>`;
    shapes.push(s);
    size += s.length;
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512">${shapes.join('')}</svg>\n`;
}

function png(rand, bytes) {
  const buf = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i++) buf[i] = Math.floor(rand() * 256);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(buf); // PNG signature only
  return buf;
}

/** Code with some body, so the bundler and minifier have work comparable to real modules. */
/** What a module exports (`name`) refers to `uses`, so tree-shaking keeps the whole graph. */
function body(name, rand, uses = []) {
  const n = 3 + Math.floor(rand() * 4);
  const lines = [];
  for (let i = 0; i < n; i++) {
    lines.push(
      `export function ${name}_${i}(input) {`,
      `  const items = Array.from({ length: ${1 + Math.floor(rand() * 20)} }, (_, k) => ({ id: k, label: '${name} item ' + k, weight: k * ${Math.floor(rand() * 100)} }));`,
      `  return items.filter((it) => it.weight % ${2 + i} === 0).map((it) => ({ ...it, input })).reduce((acc, it) => acc + it.weight, 0);`,
      '}',
    );
  }
  const fns = Array.from({ length: n }, (_, i) => `${name}_${i}`);
  lines.push(`export const ${name} = { ${fns.join(', ')}, uses: [${uses.join(', ')}] };`);
  return lines.join('\n');
}

/** Write the app into `root` (an empty folder). */
export async function generateApp(root) {
  const rand = random(20261203);
  const src = join(root, 'src');
  await mkdir(join(src, 'shared'), { recursive: true });
  // Shared modules: each imports up to two earlier ones, a DAG the lazy chunks then pull from.
  for (let k = 0; k < SHARED; k++) {
    const deps = k === 0 ? [] : [...new Set([k - 1, Math.floor(rand() * k)])];
    const head = deps.map((d) => `import { s${d} } from './s${d}.js';`).join('\n');
    const uses = deps.map((d) => `s${d}`);
    await writeFile(join(src, 'shared', `s${k}.js`), `${head}\n${body(`s${k}`, rand, uses)}\n`);
  }
  const lazy = [];
  for (let c = 0; c < CHUNKS; c++) {
    const dir = join(src, `chunk${c}`);
    await mkdir(dir);
    // Assets: 2 SVGs of ~1 KiB (inlined), one SVG of ~6 KiB and one PNG-like file of 8 KiB (emitted).
    const assets = [
      [`icon-a.svg`, svg(rand, 900)],
      [`icon-b.svg`, svg(rand, 1500)],
      [`art.svg`, svg(rand, 6000)],
      [`photo.png`, png(rand, 8192)],
    ];
    for (const [name, bytes] of assets) await writeFile(join(dir, name), bytes);
    // Modules m1..m17 import earlier modules of the chunk and a shared one; m0 is the chunk's entry.
    for (let m = PER_CHUNK - 1; m >= 1; m--) {
      const deps = [];
      if (m + 1 < PER_CHUNK) deps.push(`import { m${m + 1} } from './m${m + 1}.js';`);
      if (m + 5 < PER_CHUNK) deps.push(`import { m${m + 5} } from './m${m + 5}.js';`);
      const s = Math.floor(rand() * SHARED);
      deps.push(`import { s${s} } from '../shared/s${s}.js';`);
      const asset = m <= ASSETS_PER_CHUNK ? assets[m - 1][0] : undefined;
      if (asset) deps.push(`import asset from './${asset}';`);
      const refs = [
        m + 1 < PER_CHUNK ? `m${m + 1}` : '',
        m + 5 < PER_CHUNK ? `m${m + 5}` : '',
        `s${s}`,
        asset ? 'asset' : '',
      ].filter(Boolean);
      await writeFile(join(dir, `m${m}.js`), `${deps.join('\n')}\n${body(`m${m}`, rand, refs)}\n`);
    }
    await writeFile(
      join(dir, 'style.css'),
      Array.from(
        { length: 20 },
        (_, i) =>
          `.c${c}-r${i} { color: #${Math.floor(rand() * 0xffffff)
            .toString(16)
            .padStart(6, '0')}; padding: ${i}px; }`,
      ).join('\n') + `\n.c${c}-hero { background: url('./art.svg') no-repeat; }\n`,
    );
    await writeFile(
      join(dir, 'm0.js'),
      `import './style.css';\nimport { m1 } from './m1.js';\nimport { s${c % SHARED} } from '../shared/s${c % SHARED}.js';\n${body(`m0`, rand)}\nexport default function render() { return [m0, m1, s${c % SHARED}]; }\n`,
    );
    lazy.push(`  chunk${c}: () => import('./chunk${c}/m0.js'),`);
  }
  await writeFile(
    join(src, 'main.js'),
    `import { s0 } from './shared/s0.js';\nexport const routes = {\n${lazy.join('\n')}\n};\nconsole.log(s0, routes);\n`,
  );
  await writeFile(
    join(root, 'index.html'),
    '<!doctype html>\n<html><head><title>bench</title></head><body><div id="app"></div><script type="module" src="/src/main.js"></script></body></html>\n',
  );
  // For check-determinism, which builds with the project's own config: skewless() from node_modules.
  await writeFile(
    join(root, 'vite.config.mjs'),
    "import skewless from '@skewless/vite';\nexport default { plugins: [skewless()] };\n",
  );
  await mkdir(join(root, 'node_modules', '@skewless'), { recursive: true });
  const pluginDir = dirname(fileURLToPath(import.meta.resolve('@skewless/vite/package.json')));
  await symlink(pluginDir, join(root, 'node_modules', '@skewless', 'vite'), 'dir');
  await writeFile(join(root, 'package.json'), '{ "name": "bench-app", "private": true, "type": "module" }\n');
}

export async function viteModule(dir) {
  const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
  const entry = typeof pkg.exports['.'] === 'string' ? pkg.exports['.'] : pkg.exports['.'].import;
  return { version: pkg.version, vite: await import(pathToFileURL(join(dir, entry)).href) };
}

export async function benchPluginOverhead() {
  const root = await mkdtemp(join(tmpdir(), 'skewless-bench-overhead-'));
  const rows = [];
  try {
    await generateApp(root);
    for (const { alias, dir } of VITES) {
      const { version, vite } = await viteModule(dir);
      const outDir = join(root, `dist-${alias}`);
      const build = (plugins) =>
        vite.build({
          root,
          configFile: false,
          logLevel: 'silent',
          plugins,
          build: { outDir, emptyOutDir: true },
        });
      const timed = async (plugins) => {
        const t0 = performance.now();
        await build(plugins);
        return performance.now() - t0;
      };
      await timed([]);
      await timed([skewless()]);
      const plain = [];
      const withPlugin = [];
      for (let i = 0; i < RUNS; i++) {
        // Alternate which kind goes first, so neither always follows the other.
        if (i % 2 === 0) {
          plain.push(await timed([]));
          withPlugin.push(await timed([skewless()]));
        } else {
          withPlugin.push(await timed([skewless()]));
          plain.push(await timed([]));
        }
        process.stderr.write('.');
      }
      const t0 = performance.now();
      const report = await checkDeterminism({ root, vite: dir });
      const determinismMs = performance.now() - t0;
      rows.push({ alias, version, plain, withPlugin, determinismMs, report });
      process.stderr.write(` ${alias} done\n`);
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = await benchPluginOverhead();
  const lines = [
    `| vite | plain build: median (min–max) | with skewless(): median (min–max) | overhead | check-determinism (once) |`,
    '|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const p = median(r.plain);
    const w = median(r.withPlugin);
    const files = r.report.counts.files;
    lines.push(
      `| ${r.version} | ${ms(p)} (${range(r.plain)}) | ${ms(w)} (${range(r.withPlugin)}) | ${(w / p).toFixed(3)}× (${w - p >= 0 ? '+' : '−'}${Math.round(Math.abs(w - p))} ms) | ${ms(r.determinismMs)}, ${files} files, ${r.report.identical ? 'identical' : 'NOT identical'} |`,
    );
  }
  console.log(lines.join('\n'));
  console.log(
    `\n${1 + SHARED + CHUNKS * PER_CHUNK} JS modules (entry included), ${CHUNKS} lazy chunks with CSS, ${CHUNKS * ASSETS_PER_CHUNK} assets; BENCH_RUNS=${RUNS}; Node ${process.version}, ${cpus().length} cores`,
  );
}
