// `pnpm bench:build-upload`: the end-to-end `vite build` with upload on the 1,000-module app of
// `pnpm bench:plugin`, on Vite 7 and Vite 8, against the fast S3 sink of `pnpm bench:side` answering
// at once and with a fixed latency per answer (a real network's round trip). Rows, taking turns in
// every run:
//   plain        `vite build` with no plugin (reference)
//   early        `skewless({ upload })`: hashed files start going up from writeBundle
//   closeBundle  `skewless({ upload: { early: false } })`: the whole upload runs in closeBundle
//   build + CLI  `vite build` with `skewless()`, then `skewless upload <outDir> --html` in a child
// Every upload goes to a prefix of its own, so nothing is skipped as already there. Requests are
// counted at a proxy. BENCH_WITH adds real plugins to every row (plain included), to see what the early
// sends overlap when a build does work after its first writeBundle: `pwa` (vite-plugin-pwa's
// generateSW, which writes the service worker in its closeBundle), `legacy` (@vitejs/plugin-legacy: a
// second output built after the first is written; Vite 7 only). Benchmarks measure; they assert nothing.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import skewless from '@skewless/vite';
import { median, ms, range } from './measure.mjs';
import { generateApp, VITES, viteModule } from './plugin-overhead.mjs';
import { startCountingProxy, startSink } from './side-by-side/servers.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const CLI = join(here, '..', 'packages/uploader/bin/skewless.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
/** The latency of the slow sink's every answer, in ms. */
const LATENCY = Number(process.env.BENCH_LATENCY_MS ?? 20);
/** The Vite versions to run, comma-separated aliases. @default 'vite7,vite8' */
const ONLY_VITE = (process.env.BENCH_VITE ?? 'vite7,vite8').split(',').map((s) => s.trim());
// The sink checks no signature; the client still needs a key to sign with.
const CREDENTIALS = { accessKeyId: 'bench', secretAccessKey: 'bench' };
const ROWS = ['plain', 'early', 'closeBundle', 'build + CLI'];
/** Plugins added to every row, comma-separated: `pwa`, `legacy`. @default none */
const WITH = (process.env.BENCH_WITH ?? '')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);

// The plugins as the plugin's own tests install them (devDependencies of packages/vite-plugin).
const pluginRequire = createRequire(new URL('../packages/vite-plugin/package.json', import.meta.url));
const importPlugin = async (name) => import(pathToFileURL(pluginRequire.resolve(name)).href);
const EXTRAS = {
  pwa: {
    vites: ['vite7', 'vite8'],
    make: async () => {
      const { VitePWA } = await importPlugin('vite-plugin-pwa');
      return () =>
        VitePWA({ injectRegister: false, manifest: { name: 'bench', short_name: 'bench', icons: [] } });
    },
  },
  legacy: {
    // @vitejs/plugin-legacy 7 is for Vite 7 (Rollup); Vite 8 has no legacy plugin installed here.
    vites: ['vite7'],
    make: async () => {
      const legacy = (await importPlugin('@vitejs/plugin-legacy')).default;
      return () => legacy({ targets: ['defaults'] });
    },
  },
};
for (const name of WITH)
  if (!EXTRAS[name]) throw new Error(`BENCH_WITH: unknown plugin '${name}' (pwa, legacy)`);

async function filesIn(dir) {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath ?? e.path, e.name)));
}

/**
 * CPU time of this process (the build, the in-process upload, and the sink and proxy, which serve every
 * row alike) plus that of its finished children (the CLI), in ms. Linux: children's times from /proc.
 */
function cpuMs() {
  const { user, system } = process.cpuUsage();
  let children = 0;
  try {
    // Fields 16 and 17 of /proc/self/stat (after the parenthesised name): cutime and cstime, in ticks.
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    children = (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {}
  return (user + system) / 1000 + children;
}

/** Run the CLI; wall time and exit code (its output only when it failed). */
function cli(args, env) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => resolve({ ms: performance.now() - t0, code, out }));
  });
}

/**
 * When the build reached the end of its last writeBundle and the start of closeBundle, and the PUTs the
 * proxy had seen by then: what the early sends had to overlap with.
 */
function probe(proxy, marks) {
  return {
    name: 'bench:probe',
    apply: 'build',
    writeBundle: {
      order: 'post',
      handler() {
        marks.writeBundle = performance.now();
      },
    },
    closeBundle: {
      order: 'pre',
      handler() {
        marks.closeBundle = performance.now();
        marks.putsBefore = proxy.peek().PUT ?? 0;
      },
    },
  };
}

async function runRow({ row, vite, root, outDir, proxy, bucket, prefix, extras }) {
  const to = `s3://${bucket}/${prefix}`;
  const upload = { to, endpoint: proxy.endpoint, region: 'us-east-1', credentials: CREDENTIALS, html: true };
  const marks = {};
  const own =
    row === 'plain'
      ? []
      : row === 'early'
        ? [skewless({ upload }), probe(proxy, marks)]
        : row === 'closeBundle'
          ? [skewless({ upload: { ...upload, early: false } }), probe(proxy, marks)]
          : [skewless()];
  // Fresh instances each build (plugins keep state); listed before skewless(), as an app would.
  const plugins = [...extras.map((make) => make()), ...own];
  proxy.take();
  proxy.takePuts();
  const cpu0 = cpuMs();
  const t0 = performance.now();
  await vite.build({
    root,
    configFile: false,
    logLevel: 'silent',
    plugins,
    build: { outDir, emptyOutDir: true },
  });
  const built = performance.now();
  let failed = false;
  if (row === 'build + CLI') {
    const r = await cli(['upload', outDir, '--to', to, '--endpoint', proxy.endpoint, '--html'], {
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
      AWS_REGION: 'us-east-1',
    });
    if (r.code !== 0) {
      failed = true;
      console.error(`skewless upload failed (exit ${r.code}):\n${r.out.slice(-2000)}`);
    }
  }
  const end = performance.now();
  const cpu = cpuMs() - cpu0;
  const counts = proxy.take();
  const puts = proxy.takePuts();
  const files = row === 'plain' ? [] : await filesIn(outDir);
  const sent = new Map(
    [...puts].map(([p, n]) => [decodeURIComponent(p).slice(`/${bucket}/${prefix}/`.length), n]),
  );
  const fileSet = new Set(files);
  const filePuts = [...sent].filter(([p]) => fileSet.has(p));
  return {
    ms: end - t0,
    cpu,
    buildMs: built - t0,
    failed,
    counts,
    files: files.length,
    putRequests: [...sent.values()].reduce((a, b) => a + b, 0),
    filesSent: filePuts.length,
    // A file of the build PUT more than once: the early sends and the rest of the upload overlapped.
    filesSentTwice: filePuts.filter(([, n]) => n > 1).length,
    // The rest are the release's own objects: the early claim, the release record (written pending,
    // then again when published), the publish lock, the documents staged under the release,
    // current.json. A record is written again on purpose when its state changes.
    recordPuts: [...sent].filter(([p]) => !fileSet.has(p)).reduce((a, [, n]) => a + n, 0),
    // Files of the build that were not sent (the manifest itself, which the release record carries).
    notSent: files.filter((f) => !sent.has(f)),
    window: marks.closeBundle !== undefined ? marks.closeBundle - marks.writeBundle : undefined,
    closing: marks.closeBundle !== undefined ? built - marks.closeBundle : undefined,
    putsBefore: marks.putsBefore,
  };
}

export async function benchBuildUpload() {
  const root = await mkdtemp(join(tmpdir(), 'skewless-bench-build-upload-'));
  // The CLI's and the engine's digest cache in a folder of the run's own, not the user's cache.
  process.env.SKEWLESS_CACHE_DIR = join(root, '.digest-cache');
  const targets = [
    { name: 'sink', sink: await startSink() },
    { name: `sink +${LATENCY} ms`, sink: await startSink({ latencyMs: LATENCY }) },
  ];
  for (const t of targets) t.proxy = await startCountingProxy(t.sink.endpoint);
  const samples = [];
  const load = [loadavg()[0]];
  try {
    await generateApp(root);
    for (const { alias, dir } of VITES.filter((v) => ONLY_VITE.includes(v.alias))) {
      const { version, vite } = await viteModule(dir);
      const outDir = join(root, `dist-${alias}`);
      const extras = [];
      for (const name of WITH) {
        if (EXTRAS[name].vites.includes(alias)) extras.push(await EXTRAS[name].make());
        else console.log(`${alias}: without ${name} (not installed for this Vite)`);
      }
      for (const { name, sink, proxy } of targets) {
        const run = (row, r) =>
          runRow({
            row,
            vite,
            root,
            outDir,
            extras,
            proxy,
            bucket: sink.bucket,
            prefix: `${alias}-${name.replace(/\W+/g, '')}-${row.replace(/\W+/g, '')}-${r}`,
          });
        // One warm-up of each row (JIT, the SDK's load, the disk cache), not counted.
        for (const row of ROWS) await run(row, 'warm');
        for (let r = 0; r < RUNS; r++) {
          // Rotate the order each run, so no row always follows another.
          for (let k = 0; k < ROWS.length; k++) {
            const row = ROWS[(k + r) % ROWS.length];
            samples.push({ alias, version, target: name, row, ...(await run(row, r)) });
          }
          load.push(loadavg()[0]);
          process.stderr.write('.');
        }
        process.stderr.write(` ${alias} ${name} done\n`);
      }
    }
  } finally {
    for (const t of targets) {
      await t.proxy.close();
      await t.sink.close();
    }
    await rm(root, { recursive: true, force: true });
  }
  return { samples, load };
}

function table(samples) {
  const lines = [
    '| vite | target | row | median (min–max) | ÷ plain | ÷ early | CPU (median) | last writeBundle → closeBundle | PUTs by closeBundle | closeBundle → done | requests (last run) | PUT (last run); files sent twice (any run) |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  const groups = [...new Set(samples.map((s) => `${s.version}|${s.target}`))];
  for (const g of groups) {
    const of = (row) => samples.filter((s) => `${s.version}|${s.target}` === g && s.row === row);
    const plain = median(of('plain').map((s) => s.ms));
    const early = median(of('early').map((s) => s.ms));
    for (const row of ROWS) {
      const s = of(row);
      const times = s.map((x) => x.ms);
      const m = median(times);
      const last = s.at(-1);
      const timed = (k) => (s[0][k] === undefined ? '–' : ms(median(s.map((x) => x[k]))));
      const requests = Object.entries(last.counts)
        .sort()
        .map(([k, v]) => `${v} ${k}`)
        .join(', ');
      const twice = Math.max(...s.map((x) => x.filesSentTwice));
      const puts =
        row === 'plain'
          ? '–'
          : `${last.putRequests} = ${last.filesSent} of ${last.files} files + ${last.recordPuts} records; ${twice} sent twice`;
      const failed = s.filter((x) => x.failed).length;
      lines.push(
        `| ${last.version} | ${last.target} | ${row} | ${ms(m)} (${range(times)})${failed ? `, ${failed} failed` : ''} | ${(m / plain).toFixed(2)}× | ${(m / early).toFixed(2)}× | ${timed('cpu')} | ${timed('window')} | ${s[0].putsBefore === undefined ? '–' : median(s.map((x) => x.putsBefore))} | ${timed('closing')} | ${requests || '–'} | ${puts} |`,
      );
    }
  }
  return lines.join('\n');
}

const { samples, load } = await benchBuildUpload();
console.log(table(samples));
const notSent = [...new Set(samples.flatMap((s) => s.notSent))];
if (notSent.length > 0) console.log(`\nfiles of the build not sent: ${notSent.join(', ')}`);
const cliBuild = samples.filter((s) => s.row === 'build + CLI');
for (const v of [...new Set(cliBuild.map((s) => `${s.version}|${s.target}`))]) {
  const s = cliBuild.filter((x) => `${x.version}|${x.target}` === v);
  console.log(
    `build + CLI, ${v.replace('|', ', ')}: build ${ms(median(s.map((x) => x.buildMs)))}, CLI ${ms(median(s.map((x) => x.ms - x.buildMs)))} (medians)`,
  );
}
console.log(
  `\nBENCH_RUNS=${RUNS}, BENCH_LATENCY_MS=${LATENCY}${WITH.length ? `, BENCH_WITH=${WITH.join(',')}` : ''}; Node ${process.version}, ${cpus().length} cores; 1-minute load average ${Math.min(...load).toFixed(1)}–${Math.max(...load).toFixed(1)} during the run`,
);
