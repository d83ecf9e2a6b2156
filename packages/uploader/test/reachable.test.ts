import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { upload } from '../src/upload/upload.js';
import { startAwsProxy, startSilentServer } from './helpers/aws-proxy.js';
import { makeBuildDir, VITE_LIKE } from './helpers/build-dir.js';
import { type buildCli, runCli, s3Env as s3EnvOf, useS3AndCli } from './helpers/cli.js';
import type { startS3 } from './helpers/s3.js';

// A real HTTP server in front of the local S3 plays the CDN: it reads each object from the bucket, as an
// origin pull does, except where a test makes it answer a stale 404 or other bytes.

let s3: Awaited<ReturnType<typeof startS3>>;
let built: Awaited<ReturnType<typeof buildCli>>;
const cleanups = useS3AndCli((started, cli) => {
  s3 = started;
  built = cli;
});

/** The CDN for `prefix`: GET /<path> answers the object `<prefix>/<path>`, or what `override` says. */
async function cdn(
  prefix: string,
  override: (path: string) => { status: number; body: string } | undefined = () => undefined,
) {
  const requested: string[] = [];
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent((req.url ?? '/').slice(1).split('?')[0]!);
    requested.push(path);
    const canned = override(path);
    if (canned) {
      res.writeHead(canned.status, { 'content-type': 'text/plain' });
      res.end(canned.body);
      return;
    }
    try {
      const body = await s3.body(`${prefix}/${path}`);
      res.writeHead(200, { 'content-length': body.length });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, requested };
}

async function build() {
  const b = await makeBuildDir(VITE_LIKE);
  cleanups.push(b.remove);
  return b;
}

const IMMUTABLE = [
  'assets/index-0a1b2c3d.css',
  'assets/index-1a2b3c4d.js',
  'assets/lazy-9a8b7c6d.js',
  'assets/logo-5e6f7a8b.svg',
];
const direct = () => ({ endpoint: s3.server.endpoint, credentials: s3.credentials });

describe('reachability through the CDN before the documents (a real HTTP server in front of s3rver)', () => {
  it('requests every immutable file through the base URL, then publishes', async () => {
    const b = await build();
    const c = await cdn('reach-ok');
    const result = await upload({
      dir: b.dir,
      to: 's3://skewless/reach-ok',
      html: true,
      verifyUrl: c.url,
      ...direct(),
    });
    expect(result.uploaded).toBe(6);
    expect([...c.requested].sort()).toEqual(IMMUTABLE);
    expect(await s3.keys()).toContain('reach-ok/index.html');
  });

  it('a stale 404 at the CDN, or other bytes under a name, stops the upload before any document', async () => {
    for (const [prefix, override, said] of [
      [
        'reach-404',
        (p: string) => (p === 'assets/lazy-9a8b7c6d.js' ? { status: 404, body: 'cached 404' } : undefined),
        /lazy-9a8b7c6d\.js answered 404/,
      ],
      [
        'reach-bytes',
        (p: string) =>
          p === 'assets/index-1a2b3c4d.js'
            ? { status: 200, body: VITE_LIKE['assets/index-1a2b3c4d.js']!.replace('lazy', 'LAZY') }
            : undefined,
        /index-1a2b3c4d\.js sent other bytes than the build's \(sha256 differs\)/,
      ],
    ] as const) {
      const b = await build();
      const c = await cdn(prefix, override);
      await expect(
        upload({ dir: b.dir, to: `s3://skewless/${prefix}`, html: true, verifyUrl: c.url, ...direct() }),
      ).rejects.toMatchObject({ code: 'VERIFY_FAILED', message: expect.stringMatching(said) });
      const keys = await s3.keys();
      expect(keys).toContain(`${prefix}/assets/index-1a2b3c4d.js`);
      // No document, and the release did not become current.
      expect(keys).not.toContain(`${prefix}/index.html`);
      expect(keys).not.toContain(`${prefix}/skewless.json`);
      expect(keys).not.toContain(`${prefix}/.skewless/current.json`);
    }
  });

  it('a file whose upload failed is never probed, so the CDN cannot cache a 404 for it', async () => {
    const key = 'reach-failed/assets/lazy-9a8b7c6d.js';
    // The bucket refuses that one PUT on every attempt (500 InternalError from the AWS-like proxy).
    const proxy = await startAwsProxy(s3.server.endpoint, s3.client, [
      { match: (r) => r.method === 'PUT' && r.url.startsWith(`/skewless/${key}`), fault: 'internal' },
    ]);
    cleanups.push(proxy.close);
    const b = await build();
    const c = await cdn('reach-failed');
    await expect(
      upload({
        dir: b.dir,
        to: 's3://skewless/reach-failed',
        html: true,
        verifyUrl: c.url,
        endpoint: proxy.endpoint,
        credentials: s3.credentials,
        attempts: 2,
        retryDelayMs: 1,
      }),
    ).rejects.toThrow(/lazy-9a8b7c6d\.js/);
    expect(
      proxy.requests.filter((r) => r.method === 'PUT' && r.url.startsWith(`/skewless/${key}`)).length,
    ).toBe(2);
    // Nothing was asked of the CDN: not the failed file, and not the ones that went up either.
    expect(c.requested).toEqual([]);
    expect(await s3.keys()).not.toContain('reach-failed/index.html');
  });

  it('a CDN that accepts and never answers fails within the request deadline', async () => {
    const silent = await startSilentServer();
    cleanups.push(silent.close);
    const b = await build();
    await expect(
      upload({
        dir: b.dir,
        to: 's3://skewless/reach-silent',
        html: true,
        verifyUrl: `${silent.endpoint}/app/`,
        requestTimeoutMs: 300,
        ...direct(),
      }),
    ).rejects.toMatchObject({
      code: 'VERIFY_FAILED',
      message: expect.stringContaining('did not answer within 300 ms'),
    });
  });

  it('skewless verify: a build directory or the target’s current release, exit 1 naming the file', async () => {
    const b = await build();
    await upload({ dir: b.dir, to: 's3://skewless/reach-cli', html: true, ...direct() });
    const good = await cdn('reach-cli');
    const env = s3EnvOf(s3);
    const fromDir = await runCli(built.cli, ['verify', b.dir, '--base-url', good.url], env);
    expect(fromDir.code).toBe(0);
    expect(fromDir.stderr).toContain('4 immutable file(s) answer with their bytes');
    const fromTarget = await runCli(
      built.cli,
      ['verify', '--to', 's3://skewless/reach-cli', '--base-url', good.url, '--json'],
      env,
    );
    expect(fromTarget.code).toBe(0);
    expect(JSON.parse(fromTarget.stdout)).toMatchObject({ ok: true, checked: 4 });

    const bad = await cdn('reach-cli', (p) =>
      p === 'assets/logo-5e6f7a8b.svg' ? { status: 503, body: 'busy' } : undefined,
    );
    const failed = await runCli(built.cli, ['verify', b.dir, '--base-url', bad.url], env);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('logo-5e6f7a8b.svg answered 503');
    const usage = await runCli(built.cli, ['verify', b.dir], env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--base-url is required');
  });
});
