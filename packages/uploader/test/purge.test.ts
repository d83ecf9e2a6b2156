import { afterEach, describe, expect, it } from 'vitest';
import { createManifest, optionProblems, rollback, writeManifest } from '../src/index.js';
import { cloudflareBodies, cloudflareManual } from '../src/purge/cloudflare.js';
import { cloudFrontEndpoint, cloudFrontManual } from '../src/purge/cloudfront.js';
import { fastlyBatches, fastlyManual } from '../src/purge/fastly.js';
import { documentUrls } from '../src/purge/purge.js';
import { upload } from '../src/upload/upload.js';
import { startSilentServer } from './helpers/aws-proxy.js';
import { makeBuildDir } from './helpers/build-dir.js';
import { type ApiCall, cloudFrontCreated, startMockedApi } from './helpers/cdn-api.js';
import { type buildCli, plainEnv, runCli, useS3AndCli } from './helpers/cli.js';
import { describeRequest, startRecordingProxy, type startS3 } from './helpers/s3.js';

// Recognisable fake tokens: every output of a test is scanned for them.
const CF_TOKEN = 'fake-cloudflare-token-Zq81xLmN';
const FASTLY_TOKEN = 'fake-fastly-token-Pw73kVbR';

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

/** A built release: a hashed entry, its HTML and skewless.json. */
async function release(hash: string) {
  const b = await makeBuildDir({
    'index.html': `<!doctype html><title>${hash}</title><script type="module" src="/assets/entry-${hash}.js"></script>`,
    [`assets/entry-${hash}.js`]: `console.log("${hash}")\n`,
  });
  cleanups.push(b.remove);
  const manifest = await createManifest({ dir: b.dir, writeReleaseFile: true });
  await writeManifest(b.dir, manifest);
  return { dir: b.dir, id: manifest.release };
}

/** A mocked API, closed after the test. */
async function api(...args: Parameters<typeof startMockedApi>) {
  const started = await startMockedApi(...args);
  cleanups.push(started.close);
  return started;
}

/** A logger that keeps every line, to scan for tokens. */
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
const json = (call: ApiCall) => JSON.parse(call.body) as unknown;

describe('purge after publish', () => {
  it('mocked Cloudflare API: purges the document URLs by URL, only after skewless.json is written', async () => {
    const log: string[] = [];
    const proxy = await startRecordingProxy(s3.server.endpoint, async (req) => {
      log.push(`s3 ${describeRequest(req, 'cf-url')}`);
      return undefined;
    });
    cleanups.push(proxy.close);
    const cf = await api(undefined, log);
    process.env.CLOUDFLARE_API_TOKEN = CF_TOKEN;
    process.env.SKEWLESS_CLOUDFLARE_API = `${cf.endpoint}/client/v4`;
    const r = await release('1a1a1a1a');
    const { lines, logger } = recordingLogger();
    const result = await upload({
      dir: r.dir,
      to: 's3://skewless/cf-url',
      html: true,
      purge: ['cloudflare:023e105f4ecef8ad9ca31a8372d0c353'],
      publicUrl: 'https://www.example.com/app/',
      endpoint: proxy.endpoint,
      credentials: s3.credentials,
      logger,
    });
    expect(cf.calls).toHaveLength(1);
    const [call] = cf.calls as [ApiCall];
    expect(call.method).toBe('POST');
    expect(call.url).toBe('/client/v4/zones/023e105f4ecef8ad9ca31a8372d0c353/purge_cache');
    expect(call.headers.authorization).toBe(`Bearer ${CF_TOKEN}`);
    expect(call.headers['content-type']).toBe('application/json');
    expect(json(call)).toEqual({
      files: [
        'https://www.example.com/app/index.html',
        'https://www.example.com/app/',
        'https://www.example.com/app/skewless.json',
      ],
    });
    // The purge comes after the release file, the last document written.
    const releaseFile = log.indexOf('s3 PUT /skewless/[prefix]/skewless.json');
    expect(releaseFile).toBeGreaterThan(-1);
    expect(log.indexOf('cdn POST /client/v4/zones/023e105f4ecef8ad9ca31a8372d0c353/purge_cache')).toBe(
      log.length - 1,
    );
    // After it only the publish lock's release, then the purge.
    expect(log.slice(releaseFile + 1)).toEqual([
      's3 DELETE /skewless/[prefix]/.skewless/publish-lock.json',
      'cdn POST /client/v4/zones/023e105f4ecef8ad9ca31a8372d0c353/purge_cache',
    ]);
    expect(result.purge).toEqual([
      expect.objectContaining({ target: 'cloudflare:023e105f4ecef8ad9ca31a8372d0c353', ok: true }),
    ]);
    expect(JSON.stringify(result)).not.toContain(CF_TOKEN);
    expect(lines.join('\n')).not.toContain(CF_TOKEN);
  });

  it('mocked Cloudflare API: purges by cache tag with :tags (no public URL needed)', async () => {
    const cf = await api();
    process.env.CLOUDFLARE_API_TOKEN = CF_TOKEN;
    process.env.SKEWLESS_CLOUDFLARE_API = `${cf.endpoint}/client/v4`;
    const r = await release('2a2a2a2a');
    const result = await upload({
      dir: r.dir,
      to: 's3://skewless/cf-tag',
      html: true,
      purge: ['cloudflare:zone2:tags'],
      ...direct(),
    });
    expect(cf.calls.map((c) => [c.url, json(c)])).toEqual([
      ['/client/v4/zones/zone2/purge_cache', { tags: ['skewless-document'] }],
    ]);
    expect(result.purge?.[0]?.ok).toBe(true);
  });

  it('mocked Fastly API: soft-purges the skewless-document surrogate key with Fastly-Key', async () => {
    const fastly = await api(() => ({ status: 200, body: '{"status":"ok","id":"108-1"}' }));
    process.env.FASTLY_API_TOKEN = FASTLY_TOKEN;
    process.env.SKEWLESS_FASTLY_API = fastly.endpoint;
    const r = await release('3a3a3a3a');
    const result = await upload({
      dir: r.dir,
      to: 's3://skewless/fastly',
      html: true,
      purge: ['fastly:SU1Z0isxPaozGVKXdv0eY:soft'],
      ...direct(),
    });
    expect(fastly.calls).toHaveLength(1);
    const [call] = fastly.calls as [ApiCall];
    expect([call.method, call.url]).toEqual([
      'POST',
      '/service/SU1Z0isxPaozGVKXdv0eY/purge/skewless-document',
    ]);
    expect(call.headers['fastly-key']).toBe(FASTLY_TOKEN);
    expect(call.headers['fastly-soft-purge']).toBe('1');
    expect(result.purge?.[0]).toMatchObject({ ok: true, items: ['skewless-document'] });
  });

  it('mocked CloudFront API: one CreateInvalidation of the document paths under the target prefix', async () => {
    const cloudfront = await api(cloudFrontCreated);
    process.env.SKEWLESS_CLOUDFRONT_API = cloudfront.endpoint;
    const r = await release('4a4a4a4a');
    const result = await upload({
      dir: r.dir,
      to: 's3://skewless/cdn/app',
      html: true,
      purge: ['cloudfront:EDFDVBD6EXAMPLE'],
      ...direct(),
    });
    expect(cloudfront.calls).toHaveLength(1);
    const [call] = cloudfront.calls as [ApiCall];
    expect([call.method, call.url]).toEqual([
      'POST',
      '/2020-05-31/distribution/EDFDVBD6EXAMPLE/invalidation',
    ]);
    expect(call.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=S3RVER\/\d+\/us-east-1\/cloudfront\//,
    );
    const paths = [...call.body.matchAll(/<Path>([^<]*)<\/Path>/g)].map((m) => m[1]);
    expect(paths).toEqual(['/cdn/app/index.html', '/cdn/app/', '/cdn/app/skewless.json']);
    expect(call.body).toContain('<Quantity>3</Quantity>');
    expect(call.body).toMatch(new RegExp(`<CallerReference>skewless-${r.id}-\\d+</CallerReference>`));
    expect(result.purge?.[0]).toMatchObject({
      ok: true,
      manual:
        'aws cloudfront create-invalidation --distribution-id EDFDVBD6EXAMPLE --paths /cdn/app/index.html /cdn/app/ /cdn/app/skewless.json',
    });
  });

  it('mocked Cloudflare API: a 503 is retried and then succeeds', async () => {
    const cf = await api((_, i) =>
      i === 0
        ? { status: 503, body: '{"success":false,"errors":[]}' }
        : { status: 200, body: '{"success":true}' },
    );
    process.env.CLOUDFLARE_API_TOKEN = CF_TOKEN;
    process.env.SKEWLESS_CLOUDFLARE_API = `${cf.endpoint}/client/v4`;
    const r = await release('5a5a5a5a');
    const result = await upload({
      dir: r.dir,
      to: 's3://skewless/cf-retry',
      html: true,
      purge: ['cloudflare:zone5:tags'],
      retryDelayMs: 1,
      ...direct(),
    });
    expect(cf.calls).toHaveLength(2);
    expect(result.purge?.[0]?.ok).toBe(true);
  });

  it('mocked Fastly API that never answers: every attempt ends at the deadline; the deploy stands', async () => {
    const silent = await startSilentServer();
    cleanups.push(silent.close);
    process.env.FASTLY_API_TOKEN = FASTLY_TOKEN;
    process.env.SKEWLESS_FASTLY_API = silent.endpoint;
    const r = await release('6a6a6a6a');
    const { lines, logger } = recordingLogger();
    const result = await upload({
      dir: r.dir,
      to: 's3://skewless/silent',
      html: true,
      purge: ['fastly:svc6'],
      attempts: 2,
      retryDelayMs: 1,
      requestTimeoutMs: 1500,
      logger,
      ...direct(),
    });
    // Two attempts, each ended by its deadline (fetch may open a spare connection, so count the retries).
    expect(silent.connections()).toBeGreaterThanOrEqual(2);
    expect(lines.filter((l) => l.startsWith('debug purge attempt'))).toEqual([
      expect.stringMatching(/^debug purge attempt 1 failed \(TimeoutError: /),
    ]);
    expect(result.purge?.[0]).toMatchObject({ ok: false, error: expect.stringContaining('TimeoutError') });
    expect((await s3.body('silent/skewless.json')).toString()).toContain(r.id);
    const warning = lines.find((l) => l.startsWith('warn '));
    expect(warning).toContain('Purge by hand: curl -X POST -H "Fastly-Key: $FASTLY_API_TOKEN"');
    expect(lines.join('\n')).not.toContain(FASTLY_TOKEN);
  });

  it('mocked CloudFront API that never answers: the SDK request ends at the deadline too', async () => {
    const silent = await startSilentServer();
    cleanups.push(silent.close);
    process.env.SKEWLESS_CLOUDFRONT_API = silent.endpoint;
    const r = await release('7a7a7a7a');
    const result = await upload({
      dir: r.dir,
      to: 's3://skewless/silent-cf',
      html: true,
      purge: ['cloudfront:E7'],
      attempts: 2,
      retryDelayMs: 1,
      requestTimeoutMs: 1500,
      ...direct(),
    });
    expect(silent.connections()).toBe(2);
    expect(result.purge?.[0]).toMatchObject({ ok: false, error: expect.stringContaining('TimeoutError') });
  });

  it('checks before anything is written: a token, a public URL for purge by URL, and --html', async () => {
    const r = await release('8a8a8a8a');
    const to = 's3://skewless/preflight';
    delete process.env.CLOUDFLARE_API_TOKEN;
    delete process.env.FASTLY_API_TOKEN;
    await expect(
      upload({ dir: r.dir, to, html: true, purge: ['cloudflare:zone8', 'fastly:svc8'], ...direct() }),
    ).rejects.toThrow(
      "[skewless] a Cloudflare purge needs an API token in the environment variable CLOUDFLARE_API_TOKEN, which is not set. A Cloudflare purge by URL needs the documents' public URL: pass --public-url https://…/ (the 'publicUrl' option), or purge by tag with 'cloudflare:zone8:tags'. A Fastly purge needs an API token in the environment variable FASTLY_API_TOKEN, which is not set. Nothing was written.",
    );
    await expect(upload({ dir: r.dir, to, purge: ['fastly:svc8'], ...direct() })).rejects.toThrow(
      /Add --html/,
    );
    expect((await s3.keys()).filter((k) => k.startsWith('preflight/'))).toEqual([]);
    const problems = optionProblems(
      { dir: 'dist', to, purge: ['cloudflare:zone8', `fastly:${FASTLY_TOKEN}:${FASTLY_TOKEN}`, 'akamai:x'] },
      { command: 'upload' },
    );
    expect(problems).toEqual([expect.stringMatching(/^'purge' entry 2, 3 must be one of 'cloudfront:/)]);
    expect(problems.join('')).not.toContain(FASTLY_TOKEN);
  });

  it('mocked Fastly API: rollback purges once the release file is republished', async () => {
    const log: string[] = [];
    const proxy = await startRecordingProxy(s3.server.endpoint, async (req) => {
      log.push(`s3 ${describeRequest(req, 'back')}`);
      return undefined;
    });
    cleanups.push(proxy.close);
    const fastly = await api(() => ({ status: 200, body: '{"status":"ok"}' }), log);
    process.env.FASTLY_API_TOKEN = FASTLY_TOKEN;
    process.env.SKEWLESS_FASTLY_API = fastly.endpoint;
    const a = await release('9a9a9a9a');
    const b = await release('9b9b9b9b');
    const to = 's3://skewless/back';
    const s3Options = { endpoint: proxy.endpoint, credentials: s3.credentials };
    await upload({ dir: a.dir, to, html: true, ...s3Options });
    await upload({ dir: b.dir, to, html: true, ...s3Options });
    log.splice(0);
    const result = await rollback({ to, release: 'previous', purge: ['fastly:svc9'], ...s3Options });
    expect(result.release).toBe(a.id);
    expect(result.purge).toEqual([expect.objectContaining({ target: 'fastly:svc9', ok: true })]);
    const releaseFile = log.indexOf('s3 PUT /skewless/[prefix]/skewless.json');
    expect(releaseFile).toBeGreaterThan(-1);
    // As in upload: the publish lock is let go, then the CDN is purged.
    expect(log.slice(releaseFile + 1)).toEqual([
      's3 DELETE /skewless/[prefix]/.skewless/publish-lock.json',
      'cdn POST /service/svc9/purge/skewless-document',
    ]);
  });

  it('mocked Cloudflare API refusing the token: the CLI exits 3 with the manual command, the token nowhere', async () => {
    const cf = await api(() => ({
      status: 403,
      body: '{"success":false,"errors":[{"code":10000,"message":"Authentication error"}]}',
    }));
    const r = await release('aaaaaaaa');
    const to = 's3://skewless/cli';
    const env = plainEnv({
      CLOUDFLARE_API_TOKEN: CF_TOKEN,
      SKEWLESS_CLOUDFLARE_API: `${cf.endpoint}/client/v4`,
      AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
      AWS_REGION: 'us-east-1',
    });
    const run = await runCli(
      built.cli,
      [
        'upload',
        r.dir,
        '--to',
        to,
        '--endpoint',
        s3.server.endpoint,
        '--html',
        '--purge',
        'cloudflare:zonea',
        '--public-url',
        'https://www.example.com/',
        '--json',
        '--verbose',
      ],
      env,
    );
    expect(run.code).toBe(3);
    expect(cf.calls).toHaveLength(1);
    expect(cf.calls[0]?.headers.authorization).toBe(`Bearer ${CF_TOKEN}`);
    const out = JSON.parse(run.stdout) as {
      ok: boolean;
      purge: { ok: boolean; error: string; manual: string }[];
    };
    expect(out.ok).toBe(true);
    expect(out.purge[0]).toMatchObject({
      ok: false,
      error: 'PurgeHttpError: HTTP 403: 10000 Authentication error',
    });
    expect(out.purge[0]?.manual).toContain('-H "Authorization: Bearer $CLOUDFLARE_API_TOKEN"');
    expect(run.stderr).toContain('The documents are published and nothing was rolled back');
    expect(run.stderr).toContain('Purge by hand: curl -X POST');
    expect(`${run.stdout}\n${run.stderr}`).not.toContain(CF_TOKEN);
    // Published all the same.
    expect((await s3.body('cli/skewless.json')).toString()).toContain(r.id);
  });
});

describe('purge items', () => {
  it('document URLs: under the public URL or the target key, an index.html also as its directory', () => {
    const docs = ['index.html', 'docs/index.html', 'a b.html', 'skewless.json'];
    expect(documentUrls(docs, { publicUrl: 'https://www.example.com/app', key: (p) => `x/${p}` })).toEqual([
      'https://www.example.com/app/index.html',
      'https://www.example.com/app/',
      'https://www.example.com/app/docs/index.html',
      'https://www.example.com/app/docs/',
      'https://www.example.com/app/a%20b.html',
      'https://www.example.com/app/skewless.json',
    ]);
    expect(documentUrls(['index.html'], { key: (p) => `site/${p}` }).map((u) => new URL(u).pathname)).toEqual(
      ['/site/index.html', '/site/'],
    );
  });

  it('Cloudflare URLs and tags go 30 a request (what every plan accepts)', () => {
    const urls = Array.from({ length: 61 }, (_, i) => `https://a.example/${i}.html`);
    expect(cloudflareBodies(urls, 'url').map((b) => b.files?.length)).toEqual([30, 30, 1]);
    expect(cloudflareBodies(['skewless-document'], 'tag')).toEqual([{ tags: ['skewless-document'] }]);
    const tags = Array.from({ length: 31 }, (_, i) => `r${i}`);
    expect(cloudflareBodies(tags, 'tag').map((b) => b.tags?.length)).toEqual([30, 1]);
    expect(cloudflareManual('z', urls, 'url').split(' && ')).toHaveLength(3);
  });

  it('CloudFront paths go 3,000 an invalidation, Fastly keys 256 a batch purge (their limits)', () => {
    const paths = Array.from({ length: 3001 }, (_, i) => `/app/assets/c${i}.js`);
    const commands = cloudFrontManual('E1', paths).split(' && ');
    expect(commands.map((c) => c.split(' ').filter((w) => w.startsWith('/app/')).length)).toEqual([3000, 1]);
    const keys = Array.from({ length: 257 }, (_, i) => `r${i}`);
    expect(fastlyBatches(keys).map((b) => b.length)).toEqual([256, 1]);
    expect(fastlyManual('svc', ['a', 'b'], false)).toBe(
      `curl -X POST -H "Fastly-Key: $FASTLY_API_TOKEN" -H 'Surrogate-Key: a b' https://api.fastly.com/service/svc/purge`,
    );
  });

  it('CloudFront ignores a global AWS_ENDPOINT_URL meant for the S3-compatible store', () => {
    const keep = { ...process.env };
    try {
      delete process.env.SKEWLESS_CLOUDFRONT_API;
      delete process.env.AWS_ENDPOINT_URL_CLOUDFRONT;
      process.env.AWS_ENDPOINT_URL = 'http://127.0.0.1:4568';
      expect(cloudFrontEndpoint()).toBe('https://cloudfront.amazonaws.com');
      process.env.AWS_ENDPOINT_URL_CLOUDFRONT = 'http://127.0.0.1:9000';
      expect(cloudFrontEndpoint()).toBe('http://127.0.0.1:9000');
      delete process.env.AWS_ENDPOINT_URL;
      delete process.env.AWS_ENDPOINT_URL_CLOUDFRONT;
      expect(cloudFrontEndpoint()).toBeUndefined();
    } finally {
      for (const k of ['AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_CLOUDFRONT', 'SKEWLESS_CLOUDFRONT_API'])
        if (keep[k] === undefined) delete process.env[k];
        else process.env[k] = keep[k];
    }
  });
});
