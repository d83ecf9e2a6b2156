// `pnpm bench:side`: skewless upload next to rclone and a plain SDK loop, on the same generated builds,
// against a fast S3 sink (the client's own cost) and s3rver (a real server, server-bound), every
// request counted at a proxy. Each row is the median of BENCH_RUNS (default 5) runs with min–max;
// the tools take turns inside each run, so a noisy minute hits all of them. A peer that is not
// installed is skipped with the reason. Benchmarks measure; they assert nothing.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { startDevS3 } from '@skewless/uploader';
import { makeBuild, makeLargeBuild } from './dataset.mjs';
import { startCountingProxy, startSink } from './servers.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const FILES = Number(process.env.BENCH_FILES ?? 2000);
const LARGE = process.env.BENCH_LARGE !== '0';
/**
 * The scenarios to run, comma-separated: `sink` (the 2,000-file set against the sink), `large` (1 GB
 * against the sink), `s3rver`. @default all three (`large` only with BENCH_LARGE not 0)
 */
const ONLY = new Set((process.env.BENCH_ONLY ?? 'sink,large,s3rver').split(',').map((s) => s.trim()));
const KEY = { id: 'S3RVER', secret: 'S3RVER' };
/** A run that takes longer is killed and counted as failed: a benchmark never hangs. */
const RUN_TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_MS ?? 300_000);

/** Run a command; wall time, exit code and peak RSS (VmHWM polled from /proc, Linux only). */
function timed(cmd, args, env) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let peakKiB = 0;
    let out = '';
    const poll = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakKiB = Math.max(peakKiB, Number(m[1]));
      } catch {}
    }, 20);
    const deadline = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => {
      clearInterval(poll);
      clearTimeout(deadline);
      resolve({ ms: performance.now() - t0, code, out, rssMiB: peakKiB / 1024 });
    });
  });
}

const s3env = { AWS_ACCESS_KEY_ID: KEY.id, AWS_SECRET_ACCESS_KEY: KEY.secret, AWS_REGION: 'us-east-1' };

/** The tools, each a function (dir, endpoint, bucket, prefix) → a child run. */
function tools() {
  const list = {
    skewless: (dir, endpoint, bucket, prefix) =>
      timed(
        process.execPath,
        [
          join(repo, 'packages/uploader/bin/skewless.js'),
          'upload',
          dir,
          '--to',
          `s3://${bucket}/${prefix}`,
          '--endpoint',
          endpoint,
          '--concurrency',
          '16',
          '--html',
        ],
        s3env,
      ),
    'sdk loop': (dir, endpoint, bucket, prefix) =>
      timed(process.execPath, [join(here, 'sdk-loop.mjs'), dir, endpoint, bucket, prefix], s3env),
  };
  const skipped = {};
  if (spawnSync('rclone', ['version']).status === 0) {
    list.rclone = (dir, endpoint, bucket, prefix) =>
      timed(
        'rclone',
        [
          'sync',
          dir,
          `:s3:${bucket}/${prefix}`,
          '--s3-provider=Other',
          `--s3-endpoint=${endpoint}`,
          `--s3-access-key-id=${KEY.id}`,
          `--s3-secret-access-key=${KEY.secret}`,
          '--s3-force-path-style=true',
          '--s3-no-check-bucket',
          '--transfers=16',
          '--checkers=16',
        ],
        // rclone trusts this bundle over the system's and fails on a missing file.
        { AWS_CA_BUNDLE: '' },
      );
  } else skipped.rclone = 'not installed (Debian: apt-get install rclone)';
  if (spawnSync('aws', ['--version']).status === 0) {
    list['aws s3 sync'] = (dir, endpoint, bucket, prefix) =>
      timed(
        'aws',
        ['s3', 'sync', dir, `s3://${bucket}/${prefix}`, '--endpoint-url', endpoint, '--only-show-errors'],
        {
          ...s3env,
          AWS_MAX_CONCURRENT_REQUESTS: '16',
        },
      );
  } else skipped['aws s3 sync'] = 'not installed (Debian: apt-get install awscli)';
  // BENCH_TOOLS (comma-separated names) runs only those: a shorter run when a peer is not in question.
  const only = process.env.BENCH_TOOLS?.split(',').map((t) => t.trim());
  if (only) for (const tool of Object.keys(list)) if (!only.includes(tool)) delete list[tool];
  return { list, skipped };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (ms) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);
const countsText = (c) =>
  Object.entries(c)
    .sort()
    .map(([k, v]) => `${v} ${k}`)
    .join(', ');

async function scenarioRows({ server, proxy, bucket, builds, list, runs, steps, bytes }) {
  /** samples[step][tool] = [{ ms, counts, rssMiB }] */
  const samples = {};
  const names = Object.keys(list);
  for (let r = 0; r < runs; r++) {
    // Rotate the order each run so no tool always goes first (page cache, JIT of the server).
    const order = names.map((_, i) => names[(i + r) % names.length]);
    for (const tool of order) {
      // A prefix of its own per scenario: the 1 GB run must not sync over the 2,000-file one (rclone
      // would count 2,000 deletes in its 1 GB time, skewless a listing of 2,000 more keys).
      const prefix = `${tool.replace(/\W+/g, '-')}-${server}-${steps.map((s) => s.build).join('-')}-${r}`;
      for (const step of steps) {
        proxy.take();
        const result = await list[tool](builds[step.build], proxy.endpoint, bucket, prefix);
        const counts = proxy.take();
        if (result.code !== 0) {
          console.error(
            `${tool} ${step.name} on ${server} failed (exit ${result.code}):\n${result.out.slice(-2000)}`,
          );
        }
        samples[step.name] ??= {};
        samples[step.name][tool] ??= [];
        samples[step.name][tool].push({
          ms: result.ms,
          counts,
          rssMiB: result.rssMiB,
          ok: result.code === 0,
        });
      }
    }
  }
  const rows = [];
  for (const step of steps) {
    const base = samples[step.name].rclone ? median(samples[step.name].rclone.map((s) => s.ms)) : undefined;
    const loop = median(samples[step.name]['sdk loop'].map((s) => s.ms));
    for (const tool of names) {
      const s = samples[step.name][tool];
      const times = s.map((x) => x.ms);
      const m = median(times);
      rows.push({
        server,
        step: step.name,
        tool,
        median: fmt(m),
        range: `${fmt(Math.min(...times))}–${fmt(Math.max(...times))}`,
        vsRclone: base ? `${(m / base).toFixed(2)}×` : '–',
        vsLoop: `${(m / loop).toFixed(2)}×`,
        requests: countsText(s.at(-1).counts),
        peakRss: `${Math.round(Math.max(...s.map((x) => x.rssMiB)))} MiB`,
        // Throughput of the median run, for the rows that move a known amount (the 1 GB set).
        ...(bytes ? { median: `${fmt(m)} (${Math.round(bytes / 1024 / 1024 / (m / 1000))} MiB/s)` } : {}),
        failed: s.filter((x) => !x.ok).length,
      });
    }
  }
  return rows;
}

function table(rows) {
  const cols = [
    'server',
    'step',
    'tool',
    'median',
    'range',
    'vsRclone',
    'vsLoop',
    'requests',
    'peakRss',
    'failed',
  ];
  const head = [
    'server',
    'step',
    'tool',
    'median',
    'min–max',
    '÷ rclone',
    '÷ sdk loop',
    'requests (last run)',
    'peak RSS',
    'failed runs',
  ];
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${cols.map((c) => r[c]).join(' | ')} |`),
  ].join('\n');
}

const { list, skipped } = tools();
for (const [tool, why] of Object.entries(skipped)) console.log(`skipped ${tool}: ${why}`);
const small = await makeBuild({ files: FILES, seed: 1 });
const changed = await makeBuild({ files: FILES, seed: 1, changed: Math.round(FILES / 10), name: 'changed' });
const builds = { small: small.dir, changed: changed.dir };
const steps = [
  { name: 'cold', build: 'small' },
  { name: 'no-op re-run', build: 'small' },
  { name: '10 % changed', build: 'changed' },
];
console.log(
  `data: ${small.files} files, ${(small.bytes / 1024 / 1024).toFixed(1)} MiB; ${RUNS} runs per row`,
);
const rows = [];
const sink = await startSink();
const sinkProxy = await startCountingProxy(sink.endpoint);
try {
  if (ONLY.has('sink'))
    rows.push(
      ...(await scenarioRows({
        server: 'sink',
        proxy: sinkProxy,
        bucket: sink.bucket,
        builds,
        list,
        runs: RUNS,
        steps,
      })),
    );
  if (LARGE && ONLY.has('large')) {
    const large = await makeLargeBuild();
    builds.large = large.dir;
    console.log(`large: ${large.files} files, ${(large.bytes / 1024 / 1024).toFixed(0)} MiB`);
    rows.push(
      ...(await scenarioRows({
        server: 'sink',
        proxy: sinkProxy,
        bucket: sink.bucket,
        builds,
        list,
        runs: Math.min(RUNS, 3),
        steps: [{ name: '1 GB cold', build: 'large' }],
        bytes: large.bytes,
      })),
    );
    await rm(large.dir, { recursive: true, force: true });
  }
} finally {
  await sinkProxy.close();
  await sink.close();
}
const s3 = ONLY.has('s3rver') ? await startDevS3({ port: 0 }) : undefined;
const s3Proxy = s3 ? await startCountingProxy(s3.endpoint) : undefined;
if (s3 && s3Proxy)
  try {
    rows.push(
      ...(await scenarioRows({
        server: 's3rver',
        proxy: s3Proxy,
        bucket: s3.bucket,
        builds,
        list,
        runs: RUNS,
        steps,
      })),
    );
  } finally {
    await s3Proxy.close();
    await s3.close();
  }
await rm(small.dir, { recursive: true, force: true });
await rm(changed.dir, { recursive: true, force: true });
console.log(table(rows));
console.log(`\nNode ${process.version}, ${(await import('node:os')).cpus().length} cores`);
