import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  GetObjectCommand,
  HeadObjectCommand,
  type HeadObjectCommandOutput,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { type DevS3Server, startDevS3 } from '../../src/dev-s3.js';
import { forwarder } from './forward.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/** A local s3rver plus a client to read back what an upload left there. */
export async function startS3(bucket = 'skewless'): Promise<{
  server: DevS3Server;
  client: S3Client;
  credentials: { accessKeyId: string; secretAccessKey: string };
  head: (key: string) => Promise<HeadObjectCommandOutput>;
  keys: () => Promise<string[]>;
  body: (key: string) => Promise<Buffer>;
  /** Store `body` under `key` directly (another writer's object). */
  put: (key: string, body: string) => Promise<void>;
  close: () => Promise<void>;
}> {
  const server = await startDevS3({ bucket });
  const credentials = { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey };
  const client = new S3Client({
    endpoint: server.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return {
    server,
    client,
    credentials,
    head: (key) => client.send(new HeadObjectCommand({ Bucket: bucket, Key: key })),
    keys: async () => {
      const out: string[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(
          new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }),
        );
        out.push(...(page.Contents ?? []).map((o) => o.Key as string));
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return out.sort();
    },
    body: async (key) => {
      const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return Buffer.from(await got.Body!.transformToByteArray());
    },
    put: async (key, body) => {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    },
    close: async () => {
      client.destroy();
      await server.close();
    },
  };
}

/** One request as the recording proxy saw it. */
export interface Recorded {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

/** What an interceptor answers instead of the server. */
export interface CannedResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

/**
 * An HTTP proxy on 127.0.0.1 in front of the local S3 server that records every request, so tests can
 * count PUTs and snapshot the order. `intercept` may answer a request itself (for the few responses no
 * local server gives, not even the AWS-like proxy: an SSE-KMS ETag, an InvalidPart); it receives the request body and a way to forward it anyway.
 */
export async function startRecordingProxy(
  upstream: string,
  intercept?: (
    req: Recorded,
    body: Buffer,
    forward: () => Promise<{ status: number }>,
  ) => Promise<CannedResponse | undefined>,
): Promise<{ endpoint: string; requests: Recorded[]; close: () => Promise<void> }> {
  const target = new URL(upstream);
  const requests: Recorded[] = [];
  const send = forwarder(target);
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    try {
      for await (const c of req) chunks.push(c as Buffer);
    } catch {
      // The client went away mid-body: there is no one to answer.
      res.destroy();
      return;
    }
    const body = Buffer.concat(chunks);
    const recorded: Recorded = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers };
    requests.push(recorded);
    try {
      const canned = await intercept?.(recorded, body, () =>
        send(recorded.method, recorded.url, req.headers, body),
      );
      if (canned) {
        res.writeHead(canned.status, canned.headers ?? {});
        res.end(canned.body ?? '');
        return;
      }
      const answer = await send(recorded.method, recorded.url, req.headers, body);
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
    } catch (error) {
      res.writeHead(502);
      res.end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A request line with hashes, release ids, the test's key prefix and query noise replaced by
 * placeholders. The prefix differs per test (`t1`, `t2`, ...), so a snapshot must not depend on which
 * tests ran before it.
 */
export function describeRequest(r: Recorded, prefix?: string): string {
  const url = new URL(r.url, 'http://x');
  const list = url.searchParams.get('list-type') === '2';
  // Path style: /<bucket>/<prefix>/<path>; the listing names the prefix in its query.
  const ours = (s: string) =>
    prefix && s.startsWith(`${prefix}/`) ? `[prefix]${s.slice(prefix.length)}` : s;
  const [bucket = '', key = ''] = decodeURIComponent(url.pathname)
    .slice(1)
    .split(/\/(.*)/s);
  const path = `/${bucket}${url.pathname.includes('/', 1) ? `/${ours(key)}` : ''}`
    .replace(/\.skewless\/(releases|documents)\/[0-9a-f]{16}/, '.skewless/$1/[release]')
    .replace(/-[0-9a-f]{8}\./g, '-[hash].');
  const extra = r.headers['if-none-match'] ? ' If-None-Match: *' : '';
  return `${r.method} ${path}${list ? ` (list prefix=${ours(url.searchParams.get('prefix') ?? '')})` : ''}${extra}`;
}

/**
 * One local S3 for a test file: started before its tests (handed to `onStart`), closed after them.
 * Returns the list of cleanups run after each test (proxies, temporary directories).
 */
export function useS3(onStart: (s3: Awaited<ReturnType<typeof startS3>>) => void): (() => Promise<void>)[] {
  let started: Awaited<ReturnType<typeof startS3>> | undefined;
  const cleanups: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    started = await startS3();
    onStart(started);
  });
  afterAll(async () => {
    await started?.close();
  });
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });
  return cleanups;
}
