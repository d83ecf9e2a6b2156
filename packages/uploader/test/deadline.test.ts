import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { rollback } from '../src/releases/history.js';
import { prune } from '../src/releases/prune.js';
import { MAX_RETRY_AFTER_MS, retryAfterMs } from '../src/targets/retry.js';
import { upload } from '../src/upload/upload.js';
import { startAwsProxy, startSilentServer } from './helpers/aws-proxy.js';
import { makeBuildDir, VITE_LIKE } from './helpers/build-dir.js';
import { buildCli, plainEnv, runCli } from './helpers/cli.js';
import { type startS3, useS3 } from './helpers/s3.js';

// Every request has a deadline. A server that accepts the connection and never answers must
// fail the request (retried), never hang `upload` or `prune`.

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let s3: Awaited<ReturnType<typeof startS3>>;
const cleanups = useS3((started) => {
  s3 = started;
});

async function build() {
  const b = await makeBuildDir(VITE_LIKE);
  cleanups.push(b.remove);
  return b;
}

describe('request deadlines', () => {
  it('a server that accepts and never answers fails upload with the operation and target named', async () => {
    const silent = await startSilentServer();
    cleanups.push(silent.close);
    const b = await build();
    const started = Date.now();
    const error = await upload({
      dir: b.dir,
      to: 's3://skewless/stalled',
      endpoint: silent.endpoint,
      credentials: s3.credentials,
      requestTimeoutMs: 300,
      attempts: 2,
      retryDelayMs: 1,
    }).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(
      // The first request is the release record's (read before anything is listed or sent).
      /^\[skewless\] reading stalled\/\.skewless\/releases\/[0-9a-f]{16}\.json in s3:\/\/skewless\/stalled at http:\/\/127\.0\.0\.1:\d+ got no answer within 300 ms/,
    );
    // Both attempts reached the server: the timeout was retried, then given up.
    expect(silent.connections()).toBeGreaterThanOrEqual(2);
    // Not a timed test: only that it ended long before the default 60 s deadline.
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('prune against a silent server fails too', async () => {
    const silent = await startSilentServer();
    cleanups.push(silent.close);
    await expect(
      prune({
        to: 's3://skewless/stalled',
        keep: 1,
        endpoint: silent.endpoint,
        credentials: s3.credentials,
        requestTimeoutMs: 300,
        attempts: 2,
        retryDelayMs: 1,
      }),
    ).rejects.toThrow(
      /reading stalled\/\.skewless\/prune-lease\.json in s3:\/\/skewless\/stalled .*got no answer within 300 ms/,
    );
  });

  it('one PUT that hangs once is retried and the upload completes', async () => {
    const key = 'hang1/assets/lazy-9a8b7c6d.js';
    const proxy = await startAwsProxy(s3.server.endpoint, s3.client, [
      { match: (r) => r.method === 'PUT' && r.url.startsWith(`/skewless/${key}`), fault: 'hang', times: 1 },
    ]);
    cleanups.push(proxy.close);
    const b = await build();
    const result = await upload({
      dir: b.dir,
      to: 's3://skewless/hang1',
      endpoint: proxy.endpoint,
      credentials: s3.credentials,
      requestTimeoutMs: 500,
      retryDelayMs: 1,
    });
    expect(result.uploaded).toBe(5);
    expect(
      proxy.requests.filter((r) => r.url.startsWith(`/skewless/${key}`) && r.method === 'PUT'),
    ).toHaveLength(2);
    expect((await s3.body(key)).toString()).toBe(VITE_LIKE['assets/lazy-9a8b7c6d.js']);
  });

  it('a listing and a CompleteMultipartUpload that hang once each are cut at the deadline, retried, and every object reads back right', async () => {
    const { randomBytes } = await import('node:crypto');
    const big = randomBytes(9 * 1024 * 1024);
    const b = await makeBuildDir({ ...VITE_LIKE, 'assets/big-0f0f0f0f.bin': big });
    cleanups.push(b.remove);
    const proxy = await startAwsProxy(s3.server.endpoint, s3.client, [
      { match: (r) => r.method === 'GET' && r.url.includes('list-type=2'), fault: 'hang', times: 1 },
      {
        match: (r) => r.method === 'POST' && r.url.includes('/hang3/assets/big-0f0f0f0f.bin?uploadId='),
        fault: 'hang',
        times: 1,
      },
    ]);
    cleanups.push(proxy.close);
    await upload({
      dir: b.dir,
      to: 's3://skewless/hang3',
      endpoint: proxy.endpoint,
      credentials: s3.credentials,
      html: true,
      multipartThreshold: 8 * 1024 * 1024,
      requestTimeoutMs: 2000,
      retryDelayMs: 1,
    });
    expect(proxy.requests.filter((r) => r.fault === 'hang').map((r) => r.method)).toEqual(['GET', 'POST']);
    expect(sha(await s3.body('hang3/assets/big-0f0f0f0f.bin'))).toBe(sha(big));
    for (const path of Object.keys(VITE_LIKE).filter((p) => !p.endsWith('.map')))
      expect((await s3.body(`hang3/${path}`)).toString(), path).toBe(VITE_LIKE[path]);
  });

  it('a 503 SlowDown and a connection reset on PUTs are retried; every object reads back right', async () => {
    const at = (prefix: string) => (r: { method: string; url: string }) =>
      r.method === 'PUT' && r.url.startsWith(`/skewless/${prefix}`);
    const proxy = await startAwsProxy(s3.server.endpoint, s3.client, [
      { match: at('faults/assets/index-0a1b2c3d.css'), fault: 'slowdown', times: 2 },
      { match: at('faults/assets/logo-5e6f7a8b.svg'), fault: 'reset', times: 1 },
    ]);
    cleanups.push(proxy.close);
    const b = await build();
    await upload({
      dir: b.dir,
      to: 's3://skewless/faults',
      endpoint: proxy.endpoint,
      credentials: s3.credentials,
      retryDelayMs: 1,
    });
    expect(proxy.requests.filter((r) => r.fault === 'slowdown')).toHaveLength(2);
    expect(proxy.requests.filter((r) => r.fault === 'reset')).toHaveLength(1);
    for (const path of ['assets/index-0a1b2c3d.css', 'assets/logo-5e6f7a8b.svg']) {
      expect((await s3.body(`faults/${path}`)).toString()).toBe(VITE_LIKE[path]);
    }
  });

  it('a PUT whose reply is lost after the server stored it counts as uploaded on the retry (412, same bytes)', async () => {
    const key = 'lost/assets/lazy-9a8b7c6d.js';
    const proxy = await startAwsProxy(s3.server.endpoint, s3.client, [
      {
        match: (r) => r.method === 'PUT' && r.url.startsWith(`/skewless/${key}`),
        fault: 'lost-reply',
        times: 1,
      },
    ]);
    cleanups.push(proxy.close);
    const b = await build();
    const result = await upload({
      dir: b.dir,
      to: 's3://skewless/lost',
      endpoint: proxy.endpoint,
      credentials: s3.credentials,
      retryDelayMs: 1,
    });
    const puts = proxy.requests.filter((r) => r.method === 'PUT' && r.url.startsWith(`/skewless/${key}`));
    expect(puts.map((r) => r.status)).toEqual([undefined, 412]);
    expect(result.uploaded).toBe(5);
    expect(result.files.find((f) => f.key === key)).toMatchObject({ action: 'upload' });
    expect((await s3.body(key)).toString()).toBe(VITE_LIKE['assets/lazy-9a8b7c6d.js']);
  });

  it('one PUT that always hangs fails the upload naming the key, and no document is written', async () => {
    const key = 'hang2/assets/lazy-9a8b7c6d.js';
    const proxy = await startAwsProxy(s3.server.endpoint, s3.client, [
      { match: (r) => r.method === 'PUT' && r.url.startsWith(`/skewless/${key}`), fault: 'hang' },
    ]);
    cleanups.push(proxy.close);
    const b = await build();
    await expect(
      upload({
        dir: b.dir,
        to: 's3://skewless/hang2',
        endpoint: proxy.endpoint,
        credentials: s3.credentials,
        html: true,
        requestTimeoutMs: 300,
        attempts: 3,
        retryDelayMs: 1,
      }),
    ).rejects.toThrow(`writing ${key} in s3://skewless/hang2`);
    expect((await s3.keys()).filter((k) => k.startsWith('hang2/') && k.endsWith('.html'))).toEqual([]);
  });

  it('the CLI: a silent endpoint ends with exit 1 and the message naming the operation and target', async () => {
    const [silent, built] = await Promise.all([startSilentServer(), buildCli()]);
    cleanups.push(silent.close, built.remove);
    const b = await build();
    const run = await runCli(
      built.cli,
      ['upload', b.dir, '--to', 's3://skewless/stalled-cli', '--request-timeout', '300'],
      plainEnv({
        AWS_ENDPOINT_URL: silent.endpoint,
        AWS_ACCESS_KEY_ID: s3.server.accessKeyId,
        AWS_SECRET_ACCESS_KEY: s3.server.secretAccessKey,
        AWS_REGION: 'us-east-1',
      }),
    );
    expect(run.stderr).toMatch(
      /\[skewless\] reading stalled-cli\/\.skewless\/releases\/[0-9a-f]{16}\.json in s3:\/\/skewless\/stalled-cli at /,
    );
    expect(run.stderr).toContain('got no answer within 300 ms');
    expect(run.code).toBe(1);
    const bad = await runCli(
      built.cli,
      ['upload', b.dir, '--to', 's3://skewless/x', '--request-timeout', 'soon'],
      plainEnv(),
    );
    expect(bad.stderr).toContain(
      '--request-timeout must be a whole number ≥ 1 such as 60000 (milliseconds) (got "soon")',
    );
    expect(bad.code).toBe(2);
  });
});

describe('slow drip: a server that answers a byte at a time', () => {
  // One byte every 250 ms keeps the socket busy, so an idle timeout never fires; each request has a
  // deadline for its whole answer instead. The deadlines here are short so the drip loses at once; what is
  // asserted is the outcome, never how long it took.
  const listing = (prefix: string) => (r: { method: string; url: string }) =>
    r.method === 'GET' && r.url.includes('list-type=2') && r.url.includes(`prefix=${prefix}`);

  /** Every published file of `dir` (VITE_LIKE's and `more`) is under `prefix`, read back and hashed. */
  async function expectAllRead(prefix: string, dir: string, more: string[] = []) {
    const { readFile } = await import('node:fs/promises');
    const { join } = await import('node:path');
    for (const path of [...Object.keys(VITE_LIKE).filter((p) => !p.endsWith('.map')), ...more]) {
      const local = await readFile(join(dir, path));
      expect(sha(await s3.body(`${prefix}/${path}`)), path).toBe(sha(local));
    }
  }

  it('a listing whose body drips is cut at the deadline, retried, and the upload completes', async () => {
    const proxy = await startAwsProxy(s3.server.endpoint, s3.client, [
      { match: listing('drip1'), fault: 'drip', times: 1 },
    ]);
    cleanups.push(proxy.close);
    const b = await build();
    await upload({
      dir: b.dir,
      to: 's3://skewless/drip1',
      endpoint: proxy.endpoint,
      credentials: s3.credentials,
      html: true,
      requestTimeoutMs: 1000,
      retryDelayMs: 1,
    });
    expect(proxy.requests.filter((r) => r.fault === 'drip')).toHaveLength(1);
    await expectAllRead('drip1', b.dir);
  });

  // The SDK's requestTimeout already covers the time to the answer's headers (this passes without the
  // deadline); the body drips above and below hung until the deadline covered the whole answer.
  it('a PUT whose answer trickles in, headers and all, is retried and the object reads back right', async () => {
    const key = 'drip2/assets/index-0a1b2c3d.css';
    const proxy = await startAwsProxy(s3.server.endpoint, s3.client, [
      {
        match: (r) => r.method === 'PUT' && r.url.startsWith(`/skewless/${key}`),
        fault: 'drip-headers',
        times: 1,
      },
    ]);
    cleanups.push(proxy.close);
    const b = await build();
    const result = await upload({
      dir: b.dir,
      to: 's3://skewless/drip2',
      endpoint: proxy.endpoint,
      credentials: s3.credentials,
      html: true,
      requestTimeoutMs: 1000,
      retryDelayMs: 1,
    });
    expect(proxy.requests.filter((r) => r.fault === 'drip-headers')).toHaveLength(1);
    // The first PUT stored the bytes before its answer dripped: the retry finds them (412) and counts it.
    expect(result.files.find((f) => f.key === key)).toMatchObject({ action: 'upload' });
    await expectAllRead('drip2', b.dir);
  });

  it('prune and rollback: listings and record reads that drip are cut and retried; prune drops only the old release, rollback serves the earlier one whole', async () => {
    const direct = { endpoint: s3.server.endpoint, credentials: s3.credentials, retryDelayMs: 1 };
    const a = await makeBuildDir({
      ...VITE_LIKE,
      'index.html': '<!-- a -->',
      'assets/only-a-11111111.js': 'a\n',
    });
    const c = await makeBuildDir({
      ...VITE_LIKE,
      'index.html': '<!-- c -->',
      'assets/only-c-33333333.js': 'c\n',
    });
    cleanups.push(a.remove, c.remove);
    for (const prefix of ['drip3', 'drip5'])
      for (const dir of [a.dir, c.dir])
        await upload({ dir, to: `s3://skewless/${prefix}`, html: true, ...direct });
    /** Two record reads and the listing drip, under `prefix`. */
    const dripping = async (prefix: string) => {
      const proxy = await startAwsProxy(s3.server.endpoint, s3.client, [
        {
          match: (r) => r.method === 'GET' && r.url.startsWith(`/skewless/${prefix}/.skewless/`),
          fault: 'drip',
          times: 2,
        },
        { match: listing(prefix), fault: 'drip', times: 1 },
      ]);
      cleanups.push(proxy.close);
      return proxy;
    };
    const back = await dripping('drip3');
    const via = (proxy: { endpoint: string }) => ({
      ...direct,
      endpoint: proxy.endpoint,
      requestTimeoutMs: 1000,
    });
    await rollback({ to: 's3://skewless/drip3', release: 'previous', ...via(back) });
    expect(back.requests.filter((r) => r.fault === 'drip')).toHaveLength(3);
    await expectAllRead('drip3', a.dir, ['assets/only-a-11111111.js']);

    const pruning = await dripping('drip5');
    const pruned = await prune({ to: 's3://skewless/drip5', keep: 1, minAgeMs: 0, ...via(pruning) });
    expect(pruning.requests.filter((r) => r.fault === 'drip')).toHaveLength(3);
    expect(pruned.dropped).toHaveLength(1);
    expect(await s3.keys()).not.toContain('drip5/assets/only-a-11111111.js');
    await expectAllRead('drip5', c.dir, ['assets/only-c-33333333.js']);
  });

  it('the CLI: a listing that always drips ends with exit 1, naming the listing and the deadline', async () => {
    const proxy = await startAwsProxy(s3.server.endpoint, s3.client, [
      { match: listing('drip4'), fault: 'drip' },
    ]);
    const built = await buildCli();
    cleanups.push(proxy.close, built.remove);
    const b = await build();
    const run = await runCli(
      built.cli,
      [
        'upload',
        b.dir,
        '--to',
        's3://skewless/drip4',
        '--html',
        '--request-timeout',
        '500',
        '--attempts',
        '2',
        '--retry-delay',
        '1',
      ],
      plainEnv({
        AWS_ENDPOINT_URL: proxy.endpoint,
        AWS_ACCESS_KEY_ID: s3.server.accessKeyId,
        AWS_SECRET_ACCESS_KEY: s3.server.secretAccessKey,
        AWS_REGION: 'us-east-1',
      }),
    );
    expect(run.stderr).toMatch(
      /\[skewless\] listing in s3:\/\/skewless\/drip4 at http:\/\/127\.0\.0\.1:\d+ got no answer within 500 ms/,
    );
    expect(run.stderr).toContain('the answer was not complete within 500 ms');
    expect(run.code).toBe(1);
    expect(proxy.requests.filter((r) => r.fault === 'drip')).toHaveLength(2);
    // Only the release's pending record (written before anything is listed): no asset, no document.
    expect(
      (await s3.keys()).filter((k) => k.startsWith('drip4/') && !k.startsWith('drip4/.skewless/')),
    ).toEqual([]);
  });
});

describe('throttling that outlasts the attempts', () => {
  it('a listing and a DELETE answered 503 SlowDown every time fail naming the operation, the target and the attempts', async () => {
    const b = await build();
    const throttled = await startAwsProxy(s3.server.endpoint, s3.client, [
      { match: (r) => r.method === 'GET' && r.url.includes('list-type=2'), fault: 'slowdown' },
    ]);
    cleanups.push(throttled.close);
    const via = (endpoint: string) => ({
      endpoint,
      credentials: s3.credentials,
      attempts: 2,
      retryDelayMs: 1,
    });
    await expect(
      upload({ dir: b.dir, to: 's3://skewless/slow1', ...via(throttled.endpoint) }),
    ).rejects.toMatchObject({
      code: 'UPLOAD_FAILED',
      message: expect.stringMatching(
        /^\[skewless\] listing in s3:\/\/skewless\/slow1 at http:\/\/127\.0\.0\.1:\d+ failed: the server answered 503 SlowDown \(Please reduce your request rate\.\)\. The storage is throttling requests: run again later, or with more --attempts and a longer --retry-delay\. \(gave up after 2 attempts\)$/,
      ),
    });
    // Two releases, then a prune whose DELETE is throttled: it fails the same way and deletes nothing.
    const other = await makeBuildDir({
      ...VITE_LIKE,
      'index.html': '<!-- 2 -->',
      'assets/two-22222222.js': '2\n',
    });
    cleanups.push(other.remove);
    for (const dir of [b.dir, other.dir])
      await upload({ dir, to: 's3://skewless/slow2', html: true, ...via(s3.server.endpoint) });
    const before = await s3.keys();
    const deletes = await startAwsProxy(s3.server.endpoint, s3.client, [
      { match: (r) => r.method === 'POST' && r.url.includes('delete'), fault: 'slowdown' },
    ]);
    cleanups.push(deletes.close);
    await expect(
      prune({ to: 's3://skewless/slow2', keep: 1, minAgeMs: 0, ...via(deletes.endpoint) }),
    ).rejects.toMatchObject({
      code: 'UPLOAD_FAILED',
      message: expect.stringMatching(
        /^\[skewless\] deleting \d+ object\(s\) in s3:\/\/skewless\/slow2 .*failed: the server answered 503 SlowDown .*\(gave up after 2 attempts\)$/,
      ),
    });
    expect(deletes.requests.filter((r) => r.fault === 'slowdown')).toHaveLength(2);
    expect(await s3.keys()).toEqual(before);
  });
});

describe('Retry-After', () => {
  it('reads seconds, an HTTP date and x-amz-retry-after, and caps a long ask', () => {
    const asked = (headers: Record<string, string>) => retryAfterMs({ $response: { headers } }, 1_000_000);
    expect(asked({ 'Retry-After': '3' })).toBe(3000);
    expect(asked({ 'retry-after': '0.5' })).toBe(500);
    expect(asked({ 'retry-after': new Date(1_000_000 + 7000).toUTCString() })).toBe(7000);
    expect(asked({ 'retry-after': new Date(1_000_000 - 7000).toUTCString() })).toBe(0);
    expect(asked({ 'x-amz-retry-after': '1500' })).toBe(1500);
    expect(asked({ 'retry-after': '86400' })).toBe(MAX_RETRY_AFTER_MS);
    expect(asked({ 'retry-after': 'soon' })).toBeUndefined();
    expect(asked({})).toBeUndefined();
    expect(retryAfterMs(new Error('no response'))).toBeUndefined();
  });

  it('a 503 SlowDown with Retry-After: 1 is retried no sooner than a second later, and the object reads back right', async () => {
    const key = 'after/assets/index-0a1b2c3d.css';
    const proxy = await startAwsProxy(s3.server.endpoint, s3.client, [
      {
        match: (r) => r.method === 'PUT' && r.url.startsWith(`/skewless/${key}`),
        fault: 'slowdown',
        times: 1,
        retryAfter: '1',
      },
    ]);
    cleanups.push(proxy.close);
    const b = await build();
    const debug: string[] = [];
    await upload({
      dir: b.dir,
      to: 's3://skewless/after',
      endpoint: proxy.endpoint,
      credentials: s3.credentials,
      // Without the header the next attempt would come within a millisecond.
      retryDelayMs: 1,
      logger: { info() {}, warn() {}, error() {}, debug: (m: string) => debug.push(m) },
    });
    const puts = proxy.requests.filter((r) => r.method === 'PUT' && r.url.startsWith(`/skewless/${key}`));
    expect(puts.map((r) => r.fault)).toEqual(['slowdown', undefined]);
    expect(puts[1]!.at - puts[0]!.at).toBeGreaterThanOrEqual(1000);
    expect(debug.join('\n')).toContain('the server asked for 1000 ms with Retry-After');
    expect((await s3.body(key)).toString()).toBe(VITE_LIKE['assets/index-0a1b2c3d.css']);
  });
});
