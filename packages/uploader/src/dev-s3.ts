import { spawn } from 'node:child_process';
import { createCipheriv } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SkewlessError } from '@skewless/core';

/** Options of {@link startDevS3}. */
export interface DevS3Options {
  /**
   * Port on 127.0.0.1; 0 picks a free one.
   * @default 0
   */
  port?: number;
  /**
   * Directory that holds the buckets. Kept after `close()` when given; otherwise a fresh temporary
   * directory is made and removed on `close()`.
   * @default a new temporary directory
   */
  dir?: string;
  /**
   * The bucket created at start.
   * @default 'skewless'
   */
  bucket?: string;
}

/** A running local S3-protocol server (s3rver) on loopback. */
export interface DevS3Server {
  /** `http://127.0.0.1:<port>`: use with path-style addressing. */
  endpoint: string;
  /** The bucket that was created. */
  bucket: string;
  /** s3rver's fixed development access key (not a secret). */
  accessKeyId: string;
  /** s3rver's fixed development secret (not a secret). */
  secretAccessKey: string;
  /** Any region works; this one is what the printed environment uses. */
  region: string;
  /** The directory the objects live in. */
  dir: string;
  /** Stop the server (and remove a temporary directory). */
  close(): Promise<void>;
}

/** s3rver accepts any signature made with these keys. */
const DEV_KEY = 'S3RVER';

/**
 * s3rver encrypts ListObjectsV2 continuation tokens with single DES, which OpenSSL 3 serves only through
 * its legacy provider (TOOLCHAIN.md); without it every truncated listing is a 500. Probe that very cipher:
 * 3DES works without the provider, so it is no test.
 */
export function legacyCiphersAvailable(): boolean {
  try {
    createCipheriv('des', Buffer.alloc(8), Buffer.alloc(8)).final();
    return true;
  } catch {
    return false;
  }
}

/**
 * Start a local S3-compatible server on 127.0.0.1 with one bucket: for the demo, tests and people trying
 * Skewless without a cloud account. In-process when Node runs with `--openssl-legacy-provider`, otherwise
 * as a child `node --openssl-legacy-provider` process, so callers need no flags.
 */
export async function startDevS3(options: DevS3Options = {}): Promise<DevS3Server> {
  const s3rverPath = resolveS3rver();
  const bucket = options.bucket ?? 'skewless';
  const port = options.port ?? 0;
  const temporary = options.dir === undefined;
  const dir = temporary ? await mkdtemp(join(tmpdir(), 'skewless-s3-')) : resolve(options.dir as string);
  await mkdir(dir, { recursive: true });
  const settings = { port, address: '127.0.0.1', directory: dir, bucket };

  let started: Started;
  try {
    started = legacyCiphersAvailable()
      ? await inProcess(s3rverPath, settings)
      : await childProcess(s3rverPath, settings);
  } catch (error) {
    if (temporary) await rm(dir, { recursive: true, force: true });
    throw new SkewlessError(
      'UNREACHABLE',
      `could not start the local S3 server on 127.0.0.1:${port}: ${(error as Error).message}. Pick another --port, or free that one.`,
      { cause: error },
    );
  }

  let closed: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${started.port}`,
    bucket,
    accessKeyId: DEV_KEY,
    secretAccessKey: DEV_KEY,
    region: 'us-east-1',
    dir,
    close() {
      closed ??= started.stop().finally(async () => {
        if (temporary) await rm(dir, { recursive: true, force: true });
      });
      return closed;
    },
  };
}

/**
 * s3rver (about 100 packages) is an optional peer dependency: only this command needs it, so an app that
 * never runs dev-s3 does not install it.
 */
function resolveS3rver(): string {
  try {
    return createRequire(import.meta.url).resolve('s3rver');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
    throw new SkewlessError(
      'INVALID_OPTIONS',
      "the local S3 server needs the 's3rver' package, an optional peer dependency of @skewless/uploader that is not installed. Install it next to @skewless/uploader: npm i -D s3rver (pnpm add -D s3rver), then run again.",
      { cause: error },
    );
  }
}

interface Settings {
  port: number;
  address: string;
  directory: string;
  bucket: string;
}

/** bin/dev-s3-server.cjs, beside src/ and dist/ alike. */
const SERVER = fileURLToPath(new URL('../bin/dev-s3-server.cjs', import.meta.url));

type Started = { port: number; stop: () => Promise<void> };

function inProcess(s3rverPath: string, s: Settings): Promise<Started> {
  const { start } = createRequire(import.meta.url)(SERVER) as {
    start: (s3rverPath: string, s: Settings) => Promise<Started>;
  };
  return start(s3rverPath, s);
}

async function childProcess(s3rverPath: string, s: Settings) {
  const child = spawn(
    process.execPath,
    ['--openssl-legacy-provider', SERVER, s3rverPath, JSON.stringify(s)],
    { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } },
  );
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const port = await new Promise<number>((ok, fail) => {
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) {
        try {
          ok((JSON.parse(line) as { port: number }).port);
        } catch (error) {
          fail(error);
        }
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.once('error', fail);
    child.once('exit', (code) =>
      fail(new Error(err.trim() || `the server process exited with code ${code}`)),
    );
  });
  // Nothing more is read from it; let it not keep the parent alive on its own.
  child.stdout.removeAllListeners('data');
  child.stdout.resume();
  child.stderr.resume();
  return {
    port,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}
