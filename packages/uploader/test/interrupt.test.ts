import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { startAwsProxy } from './helpers/aws-proxy.js';
import { makeBuildDir, VITE_LIKE } from './helpers/build-dir.js';
import { type buildCli, runCli, s3Env, useS3AndCli } from './helpers/cli.js';
import type { startS3 } from './helpers/s3.js';

// An upload stopped in the middle of a large file: Ctrl-C (SIGINT) aborts the multipart upload in
// flight and publishes nothing; SIGKILL cannot, so `skewless doctor` finds the parts it left and
// `--fix` aborts them. Either way the same upload run again finishes, and every object reads back
// with the bytes of its file. The stop lands deterministically: the proxy holds the first part until
// the signal was handled.

let s3: Awaited<ReturnType<typeof startS3>>;
let cli: Awaited<ReturnType<typeof buildCli>>;
const cleanups = useS3AndCli((started, built) => {
  s3 = started;
  cli = built;
});

const BIG = 'assets/video-1a2b3c4d.bin';
let files: Record<string, string | Buffer>;
beforeAll(() => {
  // 20 MiB (over the 16 MiB multipart threshold), generated here, never committed.
  files = { ...VITE_LIKE, [BIG]: randomBytes(20 * 1024 * 1024) };
});

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const isPart = (r: { method: string; url: string }) => r.method === 'PUT' && r.url.includes('partNumber=');

/** A proxy that holds the first part of any multipart upload until `release()`; `held` resolves when it arrives. */
async function holdingProxy() {
  let arrived!: () => void;
  const held = new Promise<void>((resolve) => {
    arrived = resolve;
  });
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let abortAsked!: () => void;
  const aborting = new Promise<void>((resolve) => {
    abortAsked = resolve;
  });
  let first = true;
  const proxy = await startAwsProxy(s3.server.endpoint, s3.client, [], {
    beforeRequest: async (r) => {
      if (r.method === 'DELETE' && r.url.includes('uploadId=')) abortAsked();
      if (!isPart(r) || !first) return;
      first = false;
      arrived();
      await released;
    },
  });
  cleanups.push(proxy.close);
  return { proxy, held, release, aborting };
}

function startUpload(
  dir: string,
  to: string,
  endpoint: string,
): { child: ChildProcess; exit: Promise<{ code: number | null; stderr: string }> } {
  const child = spawn(
    process.execPath,
    [cli.cli, 'upload', dir, '--to', to, '--html', '--retry-delay', '1'],
    {
      env: s3Env(s3, { AWS_ENDPOINT_URL: endpoint }),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  child.stdout!.resume();
  const exit = new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stderr })),
  );
  return { child, exit };
}

/** Every public file of the build under `prefix`, read back and hashed against the file on disk. */
async function expectAllReadBack(dir: string, prefix: string) {
  const keys = await s3.keys();
  for (const path of Object.keys(files)) {
    // Source maps are private by default: never uploaded.
    if (path.endsWith('.map')) {
      expect(keys).not.toContain(`${prefix}/${path}`);
      continue;
    }
    const stored = await s3.body(`${prefix}/${path}`).catch((e: Error) => `${path}: ${e.name}`);
    expect(sha(stored), path).toBe(sha(await readFile(join(dir, path))));
  }
}

describe('an interrupted upload', () => {
  it('SIGINT mid-file: the multipart upload is aborted, no document is published, exit 130; a re-run finishes', async () => {
    const b = await makeBuildDir(files);
    cleanups.push(b.remove);
    const { proxy, held, release, aborting } = await holdingProxy();
    const run = startUpload(b.dir, 's3://skewless/int', proxy.endpoint);
    await held;
    expect(proxy.openUploads()).toEqual([`int/${BIG}`]);
    run.child.kill('SIGINT');
    // The abort is asked for while the part is still held: the upload did not wait for it to finish.
    await aborting;
    release();
    const { code, stderr } = await run.exit;
    expect(stderr).toContain('interrupted');
    expect(stderr).toContain('1 multipart upload(s) in flight were aborted');
    expect(code).toBe(130);
    expect(proxy.openUploads()).toEqual([]);
    const keys = await s3.keys();
    expect(keys).not.toContain('int/index.html');
    expect(keys).not.toContain('int/skewless.json');
    expect(keys).not.toContain(`int/${BIG}`);

    const again = await runCli(
      cli.cli,
      ['upload', b.dir, '--to', 's3://skewless/int', '--html'],
      s3Env(s3, { AWS_ENDPOINT_URL: proxy.endpoint }),
    );
    expect(again.stderr).toMatch(/uploaded \d+ file/);
    expect(again.code).toBe(0);
    await expectAllReadBack(b.dir, 'int');
  });

  it('SIGKILL mid-file leaves an open upload: doctor names it (exit 1), --fix aborts it, and a re-run finishes', async () => {
    const b = await makeBuildDir(files);
    cleanups.push(b.remove);
    const { proxy, held, release } = await holdingProxy();
    const run = startUpload(b.dir, 's3://skewless/kill', proxy.endpoint);
    await held;
    run.child.kill('SIGKILL');
    const { code } = await run.exit;
    release();
    expect(code).toBeNull();
    expect(proxy.openUploads()).toEqual([`kill/${BIG}`]);
    const env = s3Env(s3, { AWS_ENDPOINT_URL: proxy.endpoint });

    // Begun a moment ago: by default (older than 1 day) it may be a deploy running now, and is left alone.
    const recent = await runCli(cli.cli, ['doctor', '--to', 's3://skewless/kill'], env);
    expect(recent.stderr).toContain('1 recent one(s) left alone');
    expect(recent.code).toBe(0);

    const found = await runCli(cli.cli, ['doctor', '--to', 's3://skewless/kill', '--older-than', '0'], env);
    expect(found.stderr).toContain(`kill/${BIG}`);
    expect(found.stderr).toContain('Run the same command with --fix');
    expect(found.code).toBe(1);
    expect(proxy.openUploads()).toEqual([`kill/${BIG}`]);

    // Another prefix is never touched.
    const other = await runCli(
      cli.cli,
      ['doctor', '--to', 's3://skewless/kil', '--older-than', '0', '--fix'],
      env,
    );
    expect(other.code).toBe(0);
    expect(proxy.openUploads()).toEqual([`kill/${BIG}`]);

    const fixed = await runCli(
      cli.cli,
      ['doctor', '--to', 's3://skewless/kill', '--older-than', '0', '--fix', '--json'],
      env,
    );
    expect(fixed.code).toBe(0);
    const report = JSON.parse(fixed.stdout);
    expect(report).toMatchObject({ ok: true, stale: 1, aborted: 1, fixed: true });
    expect(report.uploads).toEqual([expect.objectContaining({ key: `kill/${BIG}`, aborted: true })]);
    expect(proxy.openUploads()).toEqual([]);
    const clean = await runCli(cli.cli, ['doctor', '--to', 's3://skewless/kill', '--older-than', '0'], env);
    expect(clean.code).toBe(0);

    const again = await runCli(cli.cli, ['upload', b.dir, '--to', 's3://skewless/kill', '--html'], env);
    expect(again.stderr).toMatch(/uploaded \d+ file/);
    expect(again.code).toBe(0);
    await expectAllReadBack(b.dir, 'kill');
  });

  it('doctor refuses a bad --older-than and a missing --to, with exit 2', async () => {
    const env = s3Env(s3);
    const bad = await runCli(cli.cli, ['doctor', '--to', 's3://skewless/x', '--older-than', 'soon'], env);
    expect(bad.stderr).toContain(
      "--older-than must be a duration such as 1d, 12h, 90m, 45s or 0, not 'soon'",
    );
    expect(bad.code).toBe(2);
    const none = await runCli(cli.cli, ['doctor'], env);
    expect(none.stderr).toContain('--to is required');
    expect(none.code).toBe(2);
  });

  it('a reset on a streamed file body is retried without the SDK writing its own warning to the console', async () => {
    // Over 1 MiB and under the multipart threshold: sent as a stream from disk, which the SDK never retries.
    const b = await makeBuildDir({ ...VITE_LIKE, 'assets/data-1a2b3c4d.bin': randomBytes(2 * 1024 * 1024) });
    cleanups.push(b.remove);
    const proxy = await startAwsProxy(s3.server.endpoint, s3.client, [
      {
        match: (r) => r.method === 'PUT' && r.url.startsWith('/skewless/stream/assets/data-1a2b3c4d.bin'),
        fault: 'reset',
        times: 1,
      },
    ]);
    cleanups.push(proxy.close);
    const run = await runCli(
      cli.cli,
      ['upload', b.dir, '--to', 's3://skewless/stream', '--html', '--retry-delay', '1'],
      s3Env(s3, { AWS_ENDPOINT_URL: proxy.endpoint }),
    );
    expect(proxy.requests.filter((r) => r.fault === 'reset')).toHaveLength(1);
    expect(run.code).toBe(0);
    expect(run.stderr).not.toContain('non-retryable streaming request');
    expect(run.stdout).not.toContain('non-retryable streaming request');
    const stored = await s3.body('stream/assets/data-1a2b3c4d.bin');
    expect(sha(stored)).toBe(sha(await readFile(join(b.dir, 'assets/data-1a2b3c4d.bin'))));
  });
});
