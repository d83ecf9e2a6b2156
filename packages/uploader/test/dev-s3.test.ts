import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadBucketCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadHint } from '../src/cli/dev-s3.js';
import { legacyCiphersAvailable, startDevS3 } from '../src/dev-s3.js';
import { makeBuildDir, VITE_LIKE } from './helpers/build-dir.js';
import { buildCli, plainEnv, runCli } from './helpers/cli.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

function client(endpoint: string) {
  return new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/** Page through a bucket one key at a time: s3rver's continuation tokens need the legacy DES cipher. */
async function listOneByOne(c: S3Client, bucket: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await c.send(
      new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1, ContinuationToken: token }),
    );
    keys.push(...(page.Contents ?? []).map((o) => o.Key as string));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys;
}

// In process under `pnpm test:unit` (NODE_OPTIONS=--openssl-legacy-provider), else in a child: the API is the same.
describe(`startDevS3 (${legacyCiphersAvailable() ? 'in process' : 'child process'})`, () => {
  it('serves a bucket on loopback, pages listings, and removes its temporary directory on close', async () => {
    const server = await startDevS3({ bucket: 'demo' });
    const c = client(server.endpoint);
    try {
      expect(server.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      await c.send(new HeadBucketCommand({ Bucket: 'demo' }));
      for (const k of ['a', 'b', 'c'])
        await c.send(new PutObjectCommand({ Bucket: 'demo', Key: k, Body: k }));
      expect(await listOneByOne(c, 'demo')).toEqual(['a', 'b', 'c']);
    } finally {
      c.destroy();
      await server.close();
    }
    await expect(stat(server.dir)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('a port in use rejects with a message (s3rver alone would crash the process)', async () => {
    const first = await startDevS3();
    try {
      const port = Number(new URL(first.endpoint).port);
      await expect(startDevS3({ port })).rejects.toMatchObject({
        code: 'UNREACHABLE',
        message: expect.stringContaining(`could not start the local S3 server on 127.0.0.1:${port}`),
      });
    } finally {
      await first.close();
    }
  });

  it('keeps a directory it was given', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'skewless-devs3-keep-'));
    try {
      const server = await startDevS3({ dir, bucket: 'kept' });
      await server.close();
      expect(await readdir(dir)).toContain('kept');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('skewless dev-s3 (from a plain shell: no flags, so s3rver runs in a child with the legacy provider)', () => {
  let built: Awaited<ReturnType<typeof buildCli>>;
  beforeAll(async () => {
    built = await buildCli();
  });
  afterAll(async () => {
    await built?.remove();
  });

  it('prints the endpoint and environment, takes an upload, pages listings, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [built.cli, 'dev-s3', '--port', '0', '--bucket', 'try'], {
      env: plainEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const b = await makeBuildDir(VITE_LIKE);
    try {
      let stdout = '';
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => {
        stderr += c.toString();
      });
      const env = await new Promise<Record<string, string>>((resolve, reject) => {
        child.stdout.on('data', (c: Buffer) => {
          stdout += c.toString();
          if (stdout.includes('skewless upload')) {
            resolve(
              Object.fromEntries([...stdout.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1], m[2]])),
            );
          }
        });
        child.on('close', () => reject(new Error(`dev-s3 exited early: ${stderr}`)));
      });
      expect(env.AWS_ENDPOINT_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(env).toMatchObject({ AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' });
      expect(stderr).toContain("bucket 'try'");

      const up = await runCli(built.cli, ['upload', b.dir, '--to', 's3://try/site', '--html'], plainEnv(env));
      expect(up.stderr).toContain('uploaded 6 file(s)');
      expect(up.code).toBe(0);

      const c = client(env.AWS_ENDPOINT_URL as string);
      const keys = await listOneByOne(c, 'try');
      const all = await c.send(new ListObjectsV2Command({ Bucket: 'try' }));
      c.destroy();
      expect(keys).toContain('site/index.html');
      // Paged one key at a time, the same keys: the 6 files, the release's record, its copy of the HTML
      // and the current pointer.
      expect(keys).toEqual(all.Contents?.map((o) => o.Key));
      expect(keys).toHaveLength(9);
    } finally {
      child.kill('SIGTERM');
      await b.remove();
    }
    expect(await exited).toBe(0);
  });
});

describe('the upload hint of skewless dev-s3', () => {
  it('names dist only where a dist folder exists, else a placeholder that runs nothing', async () => {
    const project = await mkdtemp(join(tmpdir(), 'skewless-hint-'));
    try {
      expect(uploadHint('try', project)).toBe(
        '# skewless upload <your build folder, e.g. dist> --to s3://try/ --html',
      );
      await mkdir(join(project, 'dist'));
      expect(uploadHint('try', project)).toBe('skewless upload dist --to s3://try/ --html');
    } finally {
      await rm(project, { recursive: true, force: true });
    }
  });
});
