import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { startAwsProxy } from './helpers/aws-proxy.js';
import { makeBuildDir, VITE_LIKE } from './helpers/build-dir.js';
import { type buildCli, runCli, s3Env, useS3AndCli } from './helpers/cli.js';
import type { startS3 } from './helpers/s3.js';

// Wrong credentials against a server that checks them: the request is refused, the CLI says so with the
// fix, exits non-zero, writes and deletes nothing, and never prints the secret it was given. s3rver
// checks only the access key id, so the wrong secret meets the AWS-like proxy, which checks SigV4 as S3
// does.

let s3: Awaited<ReturnType<typeof startS3>>;
let built: Awaited<ReturnType<typeof buildCli>>;
const cleanups = useS3AndCli((started, cli) => {
  s3 = started;
  built = cli;
});

/** Recognisable, so a leak anywhere in the output is found. */
const WRONG_SECRET = 'skewless-fake-secret-9f8e7d6c5b4a';

const stored = async (prefix: string) => {
  const out: Record<string, string> = {};
  for (const key of (await s3.keys()).filter((k) => k.startsWith(`${prefix}/`)))
    out[key] = createHash('sha256')
      .update(await s3.body(key))
      .digest('hex');
  return out;
};

describe('wrong credentials (a server that checks signatures)', () => {
  it('the right secret passes the checking proxy; a wrong one is refused before anything is written, named, exit 1, the secret never printed', async () => {
    const proxy = await startAwsProxy(s3.server.endpoint, s3.client, [], {
      secretAccessKey: s3.server.secretAccessKey,
    });
    cleanups.push(proxy.close);
    const b = await makeBuildDir(VITE_LIKE);
    cleanups.push(b.remove);
    const to = 's3://skewless/creds';
    // The check is real: the same requests signed with the right secret go through it and land.
    const right = await runCli(built.cli, ['upload', b.dir, '--to', to, '--html'], {
      ...s3Env(s3),
      AWS_ENDPOINT_URL: proxy.endpoint,
    });
    expect(right.stderr).not.toContain('denied');
    expect(right.code).toBe(0);
    expect(proxy.requests.every((r) => r.status !== 403)).toBe(true);
    const before = await stored('creds');
    expect(Object.keys(before)).toContain('creds/index.html');

    await b.write('index.html', VITE_LIKE['index.html']!.replace('<img', '<p>v2</p><img'));
    await b.write('assets/new-11112222.js', 'export const n = 2;\n');
    const seen = proxy.requests.length;
    const wrongEnv = { ...s3Env(s3), AWS_ENDPOINT_URL: proxy.endpoint, AWS_SECRET_ACCESS_KEY: WRONG_SECRET };
    for (const args of [
      ['upload', b.dir, '--to', to, '--html'],
      ['prune', '--to', to, '--keep', '1'],
      ['rollback', '--to', to, '--release', 'previous'],
    ]) {
      const run = await runCli(built.cli, args, wrongEnv);
      expect(run.code, args[0]).toBe(1);
      expect(run.stderr, args[0]).toMatch(
        /\[skewless\] access to s3:\/\/skewless\/creds at http:\/\/127\.0\.0\.1:\d+ was denied \((SignatureDoesNotMatch|HTTP 403: the answer carried no error code)\)\. Check the credentials/,
      );
      if (args[0] === 'upload') expect(run.stderr).toContain('(SignatureDoesNotMatch)');
      expect(run.stderr).not.toContain('unexpected error');
      expect(`${run.stdout}${run.stderr}`).not.toContain(WRONG_SECRET);
    }
    const refused = proxy.requests.slice(seen);
    expect(refused.length).toBeGreaterThan(0);
    // Each refused, none retried into a storm: a 403 is no transient error.
    expect(refused.every((r) => r.status === 403)).toBe(true);
    expect(refused.length).toBeLessThanOrEqual(6);
    // Nothing written, nothing deleted, nothing moved: the bucket holds the very bytes it held.
    expect(await stored('creds')).toEqual(before);

    // The right secret still passes for every kind of request prune makes (listings, the lease, batch
    // deletes): the second release goes up, and prune drops the first one's own file.
    const rightEnv = { ...s3Env(s3), AWS_ENDPOINT_URL: proxy.endpoint };
    const second = await runCli(built.cli, ['upload', b.dir, '--to', to, '--html'], rightEnv);
    expect(second.code, second.stderr).toBe(0);
    await b.write('index.html', VITE_LIKE['index.html']!.replace('<img', '<p>v3</p><img'));
    expect((await runCli(built.cli, ['upload', b.dir, '--to', to, '--html'], rightEnv)).code).toBe(0);
    const from = proxy.requests.length;
    const pruned = await runCli(built.cli, ['prune', '--to', to, '--keep', '1', '--min-age', '0s'], rightEnv);
    expect(pruned.code, pruned.stderr).toBe(0);
    const pruning = proxy.requests.slice(from);
    expect(pruning.some((r) => r.method === 'POST' && r.url.includes('delete'))).toBe(true);
    expect(pruning.filter((r) => r.status === 403)).toEqual([]);
  });

  it('an access key id the server does not know (s3rver itself answers): InvalidAccessKeyId named, exit 1, nothing written', async () => {
    const b = await makeBuildDir(VITE_LIKE);
    cleanups.push(b.remove);
    const run = await runCli(
      built.cli,
      ['upload', b.dir, '--to', 's3://skewless/unknown-key', '--html'],
      s3Env(s3, { AWS_ACCESS_KEY_ID: 'AKIASKEWLESSUNKNOWN1', AWS_SECRET_ACCESS_KEY: WRONG_SECRET }),
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('was denied (InvalidAccessKeyId). Check the credentials');
    expect(`${run.stdout}${run.stderr}`).not.toContain(WRONG_SECRET);
    expect(await stored('unknown-key')).toEqual({});
  });
});
