import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, STATUS_CODES } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { forwarder } from './forward.js';
import { checkSigV4 } from './sigv4.js';

/**
 * A fault the proxy injects into the requests a matcher picks. `lost-reply`: the request reaches s3rver,
 * which acts on it, and then the connection is cut; `internal`: a 500 InternalError; `truncate`: only the
 * first half of the body reaches s3rver (with a length to match); `drip`: s3rver acts and its answer's
 * headers come at once, then its body one byte every `dripMs` (a socket never idle long enough for an idle
 * timeout: a 1 KiB listing takes over four minutes); `drip-headers`: the whole answer, status line and
 * headers first, one byte every `dripMs`; `skewed-clock`: a 403 RequestTimeTooSkewed, S3's answer to a
 * request signed by a clock 15 minutes off (an answer the client rarely sees mid-upload).
 */
export type Fault =
  | 'hang'
  | 'slowdown'
  | 'reset'
  | 'flip'
  | 'lost-reply'
  | 'internal'
  | 'truncate'
  | 'drip'
  | 'drip-headers'
  | 'skewed-clock';

/** One injected fault: `times` requests matching `match` get it (then they pass). */
export interface FaultRule {
  match: (req: { method: string; url: string; headers: IncomingHttpHeaders }) => boolean;
  fault: Fault;
  /** @default Infinity */
  times?: number;
  /** With `slowdown`: the Retry-After header of the 503 (seconds or an HTTP date). */
  retryAfter?: string;
  /** With `drip` and `drip-headers`: the pause before each byte. @default 250 */
  dripMs?: number;
}

/** One request as the proxy saw it, with what it answered. */
export interface ProxyRecord {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  status?: number;
  fault?: Fault;
  /** When the request's body had arrived (Date.now()). */
  at: number;
}

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const xmlError = (code: string, message: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;

/**
 * An HTTP proxy on 127.0.0.1 in front of s3rver that answers where s3rver is not like AWS S3
 * (TOOLCHAIN.md): `If-None-Match: *` on PutObject / CompleteMultipartUpload gives 412 when the key
 * exists and 409 ConditionalRequestConflict while an earlier such write to the key is in flight (held by
 * `beforeRequest`, a test makes the race deterministic), a wrong Content-MD5 gives 400 BadDigest, and a multipart object carries S3's
 * `<md5 of the part md5s>-N` ETag on Complete and on every later HEAD, GET and listing, and it keeps
 * the multipart uploads open (created, neither completed nor aborted) to answer ListMultipartUploads and
 * AbortMultipartUpload, which s3rver lacks (the aborted parts stay in s3rver's storage, unseen). `faults` inject
 * a hang (accepted, never answered), a 503 SlowDown, a 500, a connection reset before or after s3rver acted,
 * a flipped byte or a truncated body forwarded to s3rver, or an answer that drips in a byte at a time.
 */
export async function startAwsProxy(
  upstream: string,
  client: S3Client,
  faults: FaultRule[] = [],
  {
    ignoreContentMd5 = false,
    noConditionalWrites = false,
    secretAccessKey,
    beforeRequest,
    afterResponse,
  }: {
    /** Like s3rver and some S3-compatible servers: store the body whatever its Content-MD5 says. */
    ignoreContentMd5?: boolean;
    /** Like Backblaze B2: a write with If-None-Match gets 501 NotImplemented. */
    noConditionalWrites?: boolean;
    /**
     * Check every request's SigV4 signature with this secret, as S3 does (s3rver checks only the key id):
     * a wrong secret gets 403 SignatureDoesNotMatch, and the request never reaches s3rver.
     */
    secretAccessKey?: string;
    /** Awaited before a request is handled, e.g. to let another writer win a race for its key. */
    beforeRequest?: (req: ProxyRecord) => Promise<void>;
    /** Told when the proxy has answered a request (its `status` set), e.g. to let a held one go on. */
    afterResponse?: (req: ProxyRecord) => void;
  } = {},
) {
  const target = new URL(upstream);
  const requests: ProxyRecord[] = [];
  /** uploadId → part number → md5 (hex) of what the part stored. */
  const parts = new Map<string, Map<number, string>>();
  /** s3rver's plain ETag of a multipart object (quoted) → S3's multipart ETag (quoted). */
  const etags = new Map<string, string>();
  /** uploadId → the multipart upload s3rver holds open: bucket, key, when it began. */
  const open = new Map<string, { bucket: string; key: string; initiated: Date }>();
  const sockets = new Set<Socket>();
  const drips = new Set<NodeJS.Timeout>();
  /** Object path → the conditional writes to it that arrived and are not answered yet. */
  const writing = new Map<string, Set<ProxyRecord>>();
  const left = faults.map((f) => f.times ?? Number.POSITIVE_INFINITY);

  const send = forwarder(target);

  const rewrite = (text: string) => {
    let out = text;
    for (const [plain, multi] of etags) {
      out = out
        .split(plain)
        .join(multi)
        .split(plain.replace(/"/g, '&quot;'))
        .join(multi.replace(/"/g, '&quot;'));
    }
    return out;
  };

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    try {
      for await (const c of req) chunks.push(c as Buffer);
    } catch {
      // The client went away mid-body (a killed CLI): there is no one to answer.
      res.destroy();
      return;
    }
    let body = Buffer.concat(chunks);
    const record: ProxyRecord = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: req.headers,
      at: Date.now(),
    };
    requests.push(record);
    const url0 = new URL(record.url, 'http://x');
    /** Set for a conditional create (PUT, or the multipart Complete, with If-None-Match: *). */
    const conditionalKey =
      req.headers['if-none-match'] === '*' &&
      ((record.method === 'PUT' && !url0.searchParams.has('partNumber')) ||
        (record.method === 'POST' && url0.searchParams.has('uploadId')))
        ? decodeURIComponent(url0.pathname)
        : undefined;
    if (conditionalKey !== undefined) {
      // Registered before `beforeRequest`, so a write held there is in flight for any that come after.
      const of = writing.get(conditionalKey) ?? new Set<ProxyRecord>();
      of.add(record);
      writing.set(conditionalKey, of);
      res.once('close', () => writing.get(conditionalKey)?.delete(record));
    }
    /** The fault rule this request drew, if any. */
    let rule: FaultRule | undefined;
    const answer = (
      status: number,
      headers: Record<string, string | string[] | undefined>,
      out: Buffer | string,
    ) => {
      record.status = status;
      if (conditionalKey !== undefined) writing.get(conditionalKey)?.delete(record);
      if (record.fault === 'drip' || record.fault === 'drip-headers') {
        drip(status, headers, Buffer.from(out), record.fault === 'drip-headers');
      } else {
        res.writeHead(status, headers);
        res.end(out);
      }
      afterResponse?.(record);
    };
    /** Send the answer one byte at a time, every `dripMs`, until it is out or the client gives up. */
    const drip = (
      status: number,
      headers: Record<string, string | string[] | undefined>,
      out: Buffer,
      withHeaders: boolean,
    ) => {
      const every = rule?.dripMs ?? 250;
      let bytes = out;
      let write = (b: Buffer): unknown => res.write(b);
      let end = (): unknown => res.end();
      if (withHeaders) {
        // Written to the socket itself: Node's own response would send the headers in one piece.
        const lines = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`];
        // A HEAD answer keeps the object's length; any other says how long its body is.
        const head = record.method === 'HEAD';
        for (const [k, v] of Object.entries(headers)) {
          if (v === undefined || /^(transfer-encoding|connection)$/i.test(k)) continue;
          if (!head && /^content-length$/i.test(k)) continue;
          for (const one of Array.isArray(v) ? v : [v]) lines.push(`${k}: ${one}`);
        }
        if (!head) lines.push(`content-length: ${out.length}`);
        lines.push('connection: close', '', '');
        bytes = Buffer.concat([Buffer.from(lines.join('\r\n')), out]);
        write = (b) => req.socket.write(b);
        end = () => req.socket.end();
      } else {
        // No length: the body arrives chunked, a byte per chunk, however long the client waits.
        const { 'content-length': _, ...rest } = headers;
        res.writeHead(status, rest);
        res.flushHeaders();
      }
      let at = 0;
      const timer = setInterval(() => {
        if (req.socket.destroyed || at >= bytes.length) {
          clearInterval(timer);
          drips.delete(timer);
          if (!req.socket.destroyed) end();
          return;
        }
        write(bytes.subarray(at, at + 1));
        at++;
      }, every);
      drips.add(timer);
      req.socket.once('close', () => {
        clearInterval(timer);
        drips.delete(timer);
      });
    };
    await beforeRequest?.(record);
    if (secretAccessKey !== undefined) {
      const refused = checkSigV4(record, secretAccessKey, body);
      if (refused)
        return answer(
          403,
          { 'content-type': 'application/xml' },
          xmlError(refused, 'The request signature we calculated does not match the signature you provided.'),
        );
    }
    const i = faults.findIndex((f, n) => (left[n] ?? 0) > 0 && f.match(record));
    if (i >= 0) {
      left[i] = (left[i] ?? 0) - 1;
      rule = faults[i];
      const fault = faults[i]!.fault;
      record.fault = fault;
      if (fault === 'hang') return;
      if (fault === 'reset') return void req.socket.destroy();
      if (fault === 'slowdown')
        return answer(
          503,
          {
            'content-type': 'application/xml',
            ...(faults[i]!.retryAfter ? { 'retry-after': faults[i]!.retryAfter } : {}),
          },
          xmlError('SlowDown', 'Please reduce your request rate.'),
        );
      if (fault === 'skewed-clock')
        return answer(
          403,
          { 'content-type': 'application/xml' },
          xmlError(
            'RequestTimeTooSkewed',
            'The difference between the request time and the current time is too large.',
          ),
        );
      if (fault === 'internal')
        return answer(
          500,
          { 'content-type': 'application/xml' },
          xmlError('InternalError', 'We encountered an internal error. Please try again.'),
        );
      if (fault === 'truncate' && body.length > 1) {
        body = body.subarray(0, body.length >> 1);
        req.headers['content-length'] = String(body.length);
      }
      if (fault === 'flip' && body.length > 0) {
        body = Buffer.from(body);
        body[body.length >> 1] = (body[body.length >> 1] ?? 0) ^ 0xff;
      }
    }
    try {
      const url = new URL(record.url, 'http://x');
      const objectPath = url.pathname;
      const md5 = req.headers['content-md5'];
      if (
        !ignoreContentMd5 &&
        typeof md5 === 'string' &&
        createHash('md5').update(body).digest('base64') !== md5
      ) {
        return answer(
          400,
          { 'content-type': 'application/xml' },
          xmlError('BadDigest', 'The Content-MD5 you specified did not match what we received.'),
        );
      }
      const creates =
        (record.method === 'PUT' && !url.searchParams.has('partNumber')) ||
        (record.method === 'POST' && url.searchParams.has('uploadId'));
      if (creates && noConditionalWrites && req.headers['if-none-match'] !== undefined)
        return answer(
          501,
          { 'content-type': 'application/xml' },
          xmlError('NotImplemented', 'A header you provided implies functionality that is not implemented.'),
        );
      if (creates && conditionalKey !== undefined) {
        // AWS: a conditional write that overlaps an earlier one to the same key, still in flight, is
        // refused with 409 ConditionalRequestConflict (the earlier one goes on and decides the key).
        const earlier = [...(writing.get(conditionalKey) ?? [])].some(
          (other) => other !== record && requests.indexOf(other) < requests.indexOf(record),
        );
        if (earlier)
          return answer(
            409,
            { 'content-type': 'application/xml' },
            xmlError(
              'ConditionalRequestConflict',
              'A conflicting conditional operation is currently in progress against this resource. Try again.',
            ),
          );
      }
      if (creates && req.headers['if-none-match'] === '*') {
        const [bucket = '', key = ''] = decodeURIComponent(objectPath)
          .slice(1)
          .split(/\/(.*)/s);
        const exists = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key })).then(
          () => true,
          () => false,
        );
        if (exists) {
          return answer(
            412,
            { 'content-type': 'application/xml' },
            xmlError('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold'),
          );
        }
      }
      const [bucketOf = '', keyOf = ''] = decodeURIComponent(objectPath)
        .slice(1)
        .split(/\/(.*)/s);
      if (record.method === 'GET' && url.searchParams.has('uploads') && !keyOf) {
        const prefix = url.searchParams.get('prefix') ?? '';
        const uploads = [...open.entries()]
          .filter(([, u]) => u.bucket === bucketOf && u.key.startsWith(prefix))
          .sort((a, b) => (a[1].key < b[1].key ? -1 : a[1].key > b[1].key ? 1 : 0));
        const xml = uploads
          .map(
            ([id, u]) =>
              `<Upload><Key>${escapeXml(u.key)}</Key><UploadId>${escapeXml(id)}</UploadId><Initiated>${u.initiated.toISOString()}</Initiated></Upload>`,
          )
          .join('');
        return answer(
          200,
          { 'content-type': 'application/xml' },
          `<?xml version="1.0" encoding="UTF-8"?><ListMultipartUploadsResult><Bucket>${escapeXml(bucketOf)}</Bucket><Prefix>${escapeXml(prefix)}</Prefix><IsTruncated>false</IsTruncated>${xml}</ListMultipartUploadsResult>`,
        );
      }
      if (record.method === 'DELETE' && url.searchParams.has('uploadId')) {
        const id = url.searchParams.get('uploadId') ?? '';
        if (!open.has(id))
          return answer(
            404,
            { 'content-type': 'application/xml' },
            xmlError('NoSuchUpload', 'The specified upload does not exist.'),
          );
        open.delete(id);
        parts.delete(id);
        return answer(204, {}, '');
      }
      const got = await send(record.method, record.url, req.headers, body);
      if (record.fault === 'lost-reply') return void req.socket.destroy();
      if (record.method === 'POST' && url.searchParams.has('uploads') && got.status === 200) {
        const id = /<UploadId>(.*?)<\/UploadId>/.exec(got.body.toString())?.[1];
        if (id) open.set(id, { bucket: bucketOf, key: keyOf, initiated: new Date() });
      }
      const uploadId = url.searchParams.get('uploadId');
      if (record.method === 'POST' && uploadId && got.status === 200) open.delete(uploadId);
      if (record.method === 'PUT' && uploadId && url.searchParams.has('partNumber') && got.status === 200) {
        const of = parts.get(uploadId) ?? new Map<number, string>();
        of.set(Number(url.searchParams.get('partNumber')), createHash('md5').update(body).digest('hex'));
        parts.set(uploadId, of);
      }
      let out = got.body;
      if (record.method === 'POST' && uploadId && got.status === 200) {
        const of = [...(parts.get(uploadId) ?? new Map<number, string>()).entries()].sort(
          (a, b) => a[0] - b[0],
        );
        const multi = `"${createHash('md5')
          .update(Buffer.concat(of.map(([, h]) => Buffer.from(h, 'hex'))))
          .digest('hex')}-${of.length}"`;
        const plain = /<ETag>(.*?)<\/ETag>/.exec(out.toString())?.[1]?.replace(/&quot;/g, '"');
        if (plain) etags.set(plain, multi);
        parts.delete(uploadId);
      }
      const outHeaders: Record<string, string | string[] | undefined> = { ...got.headers };
      const etag = got.headers.etag;
      if (typeof etag === 'string' && etags.has(etag)) outHeaders.etag = etags.get(etag);
      if (etags.size > 0 && /xml/.test(String(got.headers['content-type'] ?? ''))) {
        out = Buffer.from(rewrite(out.toString()));
        if (outHeaders['content-length']) outHeaders['content-length'] = String(out.length);
      }
      answer(got.status, outHeaders, record.method === 'HEAD' ? '' : out);
    } catch (error) {
      answer(502, {}, String(error));
    }
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    /** The multipart uploads open now, by key. */
    openUploads: () => [...open.values()].map((u) => u.key).sort(),
    close: async () => {
      for (const t of drips) clearInterval(t);
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A TCP server on 127.0.0.1 that accepts connections and never answers. */
export async function startSilentServer() {
  const { createServer: createTcp } = await import('node:net');
  const sockets = new Set<Socket>();
  const server = createTcp((s) => {
    sockets.add(s);
    s.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    connections: () => sockets.size,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
