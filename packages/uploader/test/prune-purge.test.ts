import { afterEach, describe, expect, it } from 'vitest';
import { createManifest, writeManifest } from '../src/index.js';
import { prune } from '../src/releases/prune.js';
import { upload } from '../src/upload/upload.js';
import { makeBuildDir } from './helpers/build-dir.js';
import { type ApiCall, cloudFrontCreated, startMockedApi } from './helpers/cdn-api.js';
import { type buildCli, plainEnv, runCli, useS3AndCli } from './helpers/cli.js';
import { describeRequest, startRecordingProxy, type startS3 } from './helpers/s3.js';

// Recognisable fake tokens: every output of a test is scanned for them.
const CF_TOKEN = 'fake-cloudflare-token-Hd52wQpZ';
const FASTLY_TOKEN = 'fake-fastly-token-Kc19nTsY';

let s3: Awaited<ReturnType<typeof startS3>>;
let built: Awaited<ReturnType<typeof buildCli>>;
const cleanups = useS3AndCli((started, cli) => {
  s3 = started;
  built = cli;
});

const ENV = [
  'CLOUDFLARE_API_TOKEN',
  'FASTLY_API_TOKEN',
  'SKEWLESS_CLOUDFLARE_API',
  'SKEWLESS_FASTLY_API',
  'SKEWLESS_CLOUDFRONT_API',
];
const saved = Object.fromEntries(ENV.map((k) => [k, process.env[k]]));
afterEach(() => {
  for (const k of ENV) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

/**
 * A release: its own entry and `chunks` lazy chunks (named by `hash`), and a stylesheet every release
 * shares, so a prune deletes the entry and chunks of a dropped release and never the stylesheet.
 */
async function release(hash: string, chunks = 0) {
  const files: Record<string, string> = {
    'index.html': `<!doctype html><title>${hash}</title><script type="module" src="/assets/entry-${hash}.js"></script><link rel="stylesheet" href="/assets/style-0a1b2c3d.css">`,
    [`assets/entry-${hash}.js`]: `console.log("${hash}")\n`,
    'assets/style-0a1b2c3d.css': 'body{}\n',
  };
  for (let i = 0; i < chunks; i++) files[`assets/c${i}-${hash}.js`] = `export default ${i} // ${hash}\n`;
  const b = await makeBuildDir(files);
  cleanups.push(b.remove);
  const manifest = await createManifest({ dir: b.dir, writeReleaseFile: true });
  await writeManifest(b.dir, manifest);
  return { dir: b.dir, id: manifest.release, hash };
}

/** Upload releases one after the other, each going live. */
async function deploy(to: string, ...releases: { dir: string }[]) {
  for (const r of releases)
    await upload({ dir: r.dir, to, html: true, endpoint: s3.server.endpoint, credentials: s3.credentials });
}

async function api(...args: Parameters<typeof startMockedApi>) {
  const started = await startMockedApi(...args);
  cleanups.push(started.close);
  return started;
}

function recordingLogger() {
  const lines: string[] = [];
  const keep = (level: string) => (message: string) => {
    lines.push(`${level} ${message}`);
  };
  return {
    lines,
    logger: { info: keep('info'), warn: keep('warn'), error: keep('error'), debug: keep('debug') },
  };
}

const direct = () => ({ endpoint: s3.server.endpoint, credentials: s3.credentials });
const json = (call: ApiCall) => JSON.parse(call.body) as { files?: string[]; tags?: string[] };
const cloudFrontPaths = (call: ApiCall) => [...call.body.matchAll(/<Path>([^<]*)<\/Path>/g)].map((m) => m[1]);

describe('purge after prune', () => {
  it('mocked CloudFront API: invalidates exactly the deleted files, after the last delete', async () => {
    const to = 's3://skewless/pp-cf/app';
    const [a, b, c] = [await release('1a1a1a1a'), await release('1b1b1b1b'), await release('1c1c1c1c')];
    await deploy(to, a, b, c);
    const log: string[] = [];
    const proxy = await startRecordingProxy(s3.server.endpoint, async (req) => {
      log.push(`s3 ${describeRequest(req, 'pp-cf/app')}`);
      return undefined;
    });
    cleanups.push(proxy.close);
    const cloudfront = await api(cloudFrontCreated, log);
    process.env.SKEWLESS_CLOUDFRONT_API = cloudfront.endpoint;
    const result = await prune({
      to,
      keep: 1,
      minAgeMs: 0,
      purge: ['cloudfront:EDFDVBD6EXAMPLE'],
      endpoint: proxy.endpoint,
      credentials: s3.credentials,
    });
    expect(result.dropped.sort()).toEqual([a.id, b.id].sort());
    expect(cloudfront.calls).toHaveLength(1);
    const [call] = cloudfront.calls as [ApiCall];
    expect(call.url).toBe('/2020-05-31/distribution/EDFDVBD6EXAMPLE/invalidation');
    // The dropped entries only: not the shared stylesheet, not the records (never served).
    expect(cloudFrontPaths(call)).toEqual([
      '/pp-cf/app/assets/entry-1a1a1a1a.js',
      '/pp-cf/app/assets/entry-1b1b1b1b.js',
    ]);
    expect(call.body).toMatch(/<CallerReference>skewless-prune-\d+<\/CallerReference>/);
    // After every delete (the last DeleteObjects holds the records) and the lease's release.
    const lastDelete = log.findLastIndex((l) => l.startsWith('s3 POST /skewless'));
    expect(lastDelete).toBeGreaterThan(-1);
    expect(log.slice(lastDelete + 1)).toEqual([
      's3 DELETE /skewless/[prefix]/.skewless/prune-lease.json',
      'cdn POST /2020-05-31/distribution/EDFDVBD6EXAMPLE/invalidation',
    ]);
    expect(result.purge).toEqual([
      expect.objectContaining({
        target: 'cloudfront:EDFDVBD6EXAMPLE',
        ok: true,
        items: cloudFrontPaths(call),
      }),
    ]);
    // Deleted for real.
    expect(await s3.keys()).not.toContain('pp-cf/app/assets/entry-1a1a1a1a.js');
  });

  it('mocked Cloudflare API: purges the deleted URLs under --public-url, 30 a request', async () => {
    const to = 's3://skewless/pp-url';
    const old = await release('2a2a2a2a', 40);
    await deploy(to, old, await release('2b2b2b2b'));
    const cf = await api();
    process.env.CLOUDFLARE_API_TOKEN = CF_TOKEN;
    process.env.SKEWLESS_CLOUDFLARE_API = `${cf.endpoint}/client/v4`;
    const { lines, logger } = recordingLogger();
    const result = await prune({
      to,
      keep: 1,
      minAgeMs: 0,
      purge: ['cloudflare:023e105f4ecef8ad9ca31a8372d0c353'],
      publicUrl: 'https://cdn.example.com/app/',
      logger,
      ...direct(),
    });
    const bodies = cf.calls.map(json);
    expect(bodies.map((b) => b.files?.length)).toEqual([30, 11]);
    const urls = bodies.flatMap((b) => b.files ?? []);
    expect(urls).toHaveLength(41);
    expect(urls).toContain('https://cdn.example.com/app/assets/entry-2a2a2a2a.js');
    expect(urls).toContain('https://cdn.example.com/app/assets/c39-2a2a2a2a.js');
    expect(urls.some((u) => u.includes('style-0a1b2c3d') || u.includes('.skewless'))).toBe(false);
    // One URL for each asset the prune deleted.
    const deletedAssets = result.deleted.filter((k) => !k.includes('/.skewless/'));
    expect(urls.map((u) => u.replace('https://cdn.example.com/app/', 'pp-url/')).sort()).toEqual(
      deletedAssets.sort(),
    );
    for (const call of cf.calls) expect(call.headers.authorization).toBe(`Bearer ${CF_TOKEN}`);
    expect(result.purge?.[0]).toMatchObject({ ok: true });
    expect(JSON.stringify(result)).not.toContain(CF_TOKEN);
    expect(lines.join('\n')).not.toContain(CF_TOKEN);
  });

  it("mocked Cloudflare and Fastly APIs: by tag, the dropped releases' ids (Fastly's batch request)", async () => {
    const to = 's3://skewless/pp-tag';
    const [a, b, c] = [await release('3a3a3a3a'), await release('3b3b3b3b'), await release('3c3c3c3c')];
    await deploy(to, a, b, c);
    const cf = await api();
    const fastly = await api(() => ({ status: 200, body: '{"3a":"108-1"}' }));
    process.env.CLOUDFLARE_API_TOKEN = CF_TOKEN;
    process.env.SKEWLESS_CLOUDFLARE_API = `${cf.endpoint}/client/v4`;
    process.env.FASTLY_API_TOKEN = FASTLY_TOKEN;
    process.env.SKEWLESS_FASTLY_API = fastly.endpoint;
    const result = await prune({
      to,
      keep: 1,
      minAgeMs: 0,
      purge: ['cloudflare:zone3:tags', 'fastly:svc3:soft'],
      ...direct(),
    });
    const dropped = [a.id, b.id].sort();
    expect([...result.dropped].sort()).toEqual(dropped);
    expect(cf.calls.map((c) => [c.url, (json(c).tags ?? []).sort()])).toEqual([
      ['/client/v4/zones/zone3/purge_cache', dropped],
    ]);
    expect(fastly.calls).toHaveLength(1);
    const [call] = fastly.calls as [ApiCall];
    expect([call.method, call.url]).toEqual(['POST', '/service/svc3/purge']);
    expect(String(call.headers['surrogate-key']).split(' ').sort()).toEqual(dropped);
    expect(call.headers['fastly-key']).toBe(FASTLY_TOKEN);
    expect(call.headers['fastly-soft-purge']).toBe('1');
    expect(result.purge?.map((p) => p.ok)).toEqual([true, true]);
  });

  it('mocked APIs: no call when nothing is deleted, nor in a dry run', async () => {
    const to = 's3://skewless/pp-none';
    const [a, b] = [await release('4a4a4a4a'), await release('4b4b4b4b')];
    await deploy(to, a, b);
    const cloudfront = await api(cloudFrontCreated);
    process.env.SKEWLESS_CLOUDFRONT_API = cloudfront.endpoint;
    const purge = ['cloudfront:E4'];
    const dry = await prune({ to, keep: 1, minAgeMs: 0, dryRun: true, purge, ...direct() });
    expect(dry.dropped).toEqual([a.id]);
    expect(dry.purge).toBeUndefined();
    const kept = await prune({ to, keep: 2, minAgeMs: 0, purge, ...direct() });
    expect(kept.deleted).toEqual([]);
    expect(kept.purge).toEqual([{ target: 'cloudfront:E4', ok: true, items: [], manual: '' }]);
    expect(cloudfront.calls).toEqual([]);
  });

  it('checks the purge before deleting anything: a missing token, a public URL for purge by URL', async () => {
    const to = 's3://skewless/pp-pre';
    await deploy(to, await release('5a5a5a5a'), await release('5b5b5b5b'));
    const before = (await s3.keys()).filter((k) => k.startsWith('pp-pre/'));
    delete process.env.CLOUDFLARE_API_TOKEN;
    await expect(
      prune({ to, keep: 1, minAgeMs: 0, purge: ['cloudflare:zone5'], ...direct() }),
    ).rejects.toThrow(
      "[skewless] a Cloudflare purge needs an API token in the environment variable CLOUDFLARE_API_TOKEN, which is not set. A Cloudflare purge by URL needs the documents' public URL: pass --public-url https://…/ (the 'publicUrl' option), or purge by tag with 'cloudflare:zone5:tags'. Nothing was deleted.",
    );
    expect((await s3.keys()).filter((k) => k.startsWith('pp-pre/'))).toEqual(before);
  });

  it('mocked Fastly API refusing the token: the CLI exits 3, deleted all the same, the token nowhere', async () => {
    const to = 's3://skewless/pp-cli';
    await deploy(to, await release('6a6a6a6a'), await release('6b6b6b6b'));
    const fastly = await api(() => ({
      status: 403,
      body: '{"msg":"Provided credentials are missing or invalid"}',
    }));
    const env = plainEnv({
      FASTLY_API_TOKEN: FASTLY_TOKEN,
      SKEWLESS_FASTLY_API: fastly.endpoint,
      AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
      AWS_REGION: 'us-east-1',
    });
    const run = await runCli(
      built.cli,
      [
        'prune',
        '--to',
        to,
        '--endpoint',
        s3.server.endpoint,
        '--keep',
        '1',
        '--min-age',
        '0',
        '--purge',
        'fastly:svc6',
        '--json',
        '--verbose',
      ],
      env,
    );
    expect(run.code).toBe(3);
    expect(fastly.calls).toHaveLength(1);
    const out = JSON.parse(run.stdout) as {
      ok: boolean;
      deleted: string[];
      purge: { ok: boolean; error: string; manual: string }[];
    };
    expect(out.ok).toBe(true);
    expect(out.deleted).toContain('pp-cli/assets/entry-6a6a6a6a.js');
    expect(out.purge[0]).toMatchObject({
      ok: false,
      error: 'PurgeHttpError: HTTP 403: Provided credentials are missing or invalid',
    });
    expect(out.purge[0]?.manual).toContain('-H "Fastly-Key: $FASTLY_API_TOKEN"');
    // --verbose names each deleted key; the count and the bytes freed are always printed.
    expect(run.stderr).toContain('deleted pp-cli/assets/entry-6a6a6a6a.js');
    expect(run.stderr).toMatch(/deleted \d+ object\(s\) \([\d.]+ [kKMG]?i?B\) of 1 old release\(s\); kept /);
    expect(run.stderr).toContain('The objects are deleted');
    expect(run.stderr).toContain('Purge by hand: curl -X POST');
    expect(`${run.stdout}\n${run.stderr}`).not.toContain(FASTLY_TOKEN);
    expect(await s3.keys()).not.toContain('pp-cli/assets/entry-6a6a6a6a.js');
  });
});

describe('prune --help', () => {
  it('prints the defaults a user gets (keep 10, min-age 7d) and that --purge is off unless given', async () => {
    const help = await runCli(built.cli, ['prune', '--help'], plainEnv());
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--keep <n>            releases to keep, newest first (default 10, ≥ 1)');
    expect(help.stdout).toMatch(/--min-age <age>[\s\S]*\(default 7d\)/);
    expect(help.stdout).toContain('off by default');
    expect(help.stdout).toContain('3 deleted but a --purge failed');
  });
});
