// Bench infrastructure: a request-counting proxy (every tool's requests, by kind) and a fast local S3
// sink that hashes and discards bodies, so a row against it shows the client's own cost, not s3rver's.
import { createHash, randomUUID } from 'node:crypto';
import { createServer, request } from 'node:http';

/** What a request is, in the S3 API's terms (the rows count these). */
export function requestKind(method, url) {
  const q = new URL(url, 'http://x').searchParams;
  if (method === 'POST' && q.has('uploads')) return 'CreateMultipart';
  if (method === 'POST' && q.has('uploadId')) return 'CompleteMultipart';
  if (method === 'POST' && q.has('delete')) return 'DeleteObjects';
  if (method === 'PUT' && q.has('partNumber')) return 'UploadPart';
  if (method === 'DELETE' && q.has('uploadId')) return 'AbortMultipart';
  if (method === 'GET' && (q.has('list-type') || q.has('prefix') || q.has('delimiter'))) return 'LIST';
  if (method === 'GET' && q.has('uploads')) return 'ListMultipart';
  return method;
}

/** The headers S3 stores with an object and answers on HEAD/GET (rclone keeps its mtime there). */
const metaOf = (headers) =>
  Object.fromEntries(
    Object.entries(headers).filter(
      ([k]) => k.startsWith('x-amz-meta-') || k === 'content-type' || k === 'cache-control',
    ),
  );

const listen = (server) =>
  new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));

/** A loopback proxy that forwards to `upstream` (an http://host:port URL) and counts requests by kind. */
export async function startCountingProxy(upstream) {
  const target = new URL(upstream);
  let counts = {};
  // PutObject requests by URL path, so a row can tell a file sent twice from two files.
  let puts = new Map();
  const server = createServer((req, res) => {
    const kind = requestKind(req.method, req.url);
    counts[kind] = (counts[kind] ?? 0) + 1;
    if (kind === 'PUT') {
      const path = new URL(req.url, 'http://x').pathname;
      puts.set(path, (puts.get(path) ?? 0) + 1);
    }
    const out = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (reply) => {
        res.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  const port = await listen(server);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    /** The counts since the last call, and start a new count. */
    take() {
      const taken = counts;
      counts = {};
      return taken;
    },
    /** The counts so far, without starting a new count. */
    peek: () => ({ ...counts }),
    /** PutObject requests by path since the last call (path → how many), and start a new tally. */
    takePuts() {
      const taken = puts;
      puts = new Map();
      return taken;
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

const xml = (res, status, body) => {
  res.writeHead(status, { 'content-type': 'application/xml' });
  res.end(`<?xml version="1.0" encoding="UTF-8"?>${body}`);
};
const escapeXml = (s) =>
  s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]);

/**
 * A fast S3 sink: PutObject (with If-None-Match), multipart (create, parts, complete), HEAD, a GET
 * of objects that are small (release records), ListObjectsV2 with pages of 1,000, DeleteObjects. It
 * keeps each object's size and ETag; it keeps the bytes of objects under 64 KiB and of anything under
 * `.skewless/` (release records hold the whole manifest: ~300 KB for 2,000 files), so a 1 GB run
 * holds no 1 GB of memory. A record the sink forgot would make every skewless re-run look like a new
 * release (write the record, take the publish lock, list a third time), which S3 never does.
 * Not a test server: no auth checks.
 *
 * `latencyMs` holds every answer that long after the request's last byte, as a round trip to a real
 * region would: what a client overlaps or does in parallel then shows, which loopback hides.
 */
export async function startSink({ latencyMs = 0 } = {}) {
  /** key ("bucket/path") -> { size, etag, modified, body? } */
  const objects = new Map();
  const uploads = new Map();
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const q = url.searchParams;
    const [, bucket = '', ...rest] = decodeURIComponent(url.pathname).split('/');
    const key = rest.join('/');
    const id = `${bucket}/${key}`;
    const md5 = createHash('md5');
    const chunks = [];
    let size = 0;
    const keep = (n) => n <= 65536 || key.includes('.skewless/');
    req.on('data', (chunk) => {
      md5.update(chunk);
      size += chunk.length;
      if (keep(size)) chunks.push(chunk);
    });
    req.on('end', () => (latencyMs > 0 ? setTimeout(answer, latencyMs) : answer()));
    function answer() {
      const etag = `"${md5.digest('hex')}"`;
      const kind = requestKind(req.method, req.url);
      if (kind === 'PUT') {
        if (req.headers['if-none-match'] === '*' && objects.has(id))
          return xml(res, 412, '<Error><Code>PreconditionFailed</Code></Error>');
        const source = req.headers['x-amz-copy-source'];
        if (source) {
          // CopyObject (rclone updates an object's mtime metadata this way): same bytes, new metadata.
          const from = objects.get(decodeURIComponent(String(source)).replace(/^\//, ''));
          if (!from) return xml(res, 404, '<Error><Code>NoSuchKey</Code></Error>');
          objects.set(id, { ...from, modified: new Date(), meta: metaOf(req.headers) });
          return xml(
            res,
            200,
            `<CopyObjectResult><ETag>${escapeXml(from.etag)}</ETag><LastModified>${new Date().toISOString()}</LastModified></CopyObjectResult>`,
          );
        }
        const keepBody = keep(size) ? Buffer.concat(chunks) : undefined;
        objects.set(id, { size, etag, modified: new Date(), body: keepBody, meta: metaOf(req.headers) });
        res.writeHead(200, { etag });
        return res.end();
      }
      if (kind === 'CreateMultipart') {
        const uploadId = randomUUID();
        uploads.set(uploadId, { parts: new Map(), meta: metaOf(req.headers) });
        return xml(
          res,
          200,
          `<InitiateMultipartUploadResult><Bucket>${bucket}</Bucket><Key>${escapeXml(key)}</Key><UploadId>${uploadId}</UploadId></InitiateMultipartUploadResult>`,
        );
      }
      if (kind === 'UploadPart') {
        const upload = uploads.get(q.get('uploadId'));
        if (!upload) return xml(res, 404, '<Error><Code>NoSuchUpload</Code></Error>');
        upload.parts.set(Number(q.get('partNumber')), { size, md5: etag.slice(1, -1) });
        res.writeHead(200, { etag });
        return res.end();
      }
      if (kind === 'CompleteMultipart') {
        const upload = uploads.get(q.get('uploadId'));
        if (!upload) return xml(res, 404, '<Error><Code>NoSuchUpload</Code></Error>');
        uploads.delete(q.get('uploadId'));
        const parts = [...upload.parts.entries()].sort((a, b) => a[0] - b[0]).map(([, p]) => p);
        const combined = createHash('md5');
        for (const p of parts) combined.update(Buffer.from(p.md5, 'hex'));
        const mpEtag = `"${combined.digest('hex')}-${parts.length}"`;
        objects.set(id, {
          size: parts.reduce((n, p) => n + p.size, 0),
          etag: mpEtag,
          modified: new Date(),
          meta: upload.meta,
        });
        return xml(
          res,
          200,
          `<CompleteMultipartUploadResult><Key>${escapeXml(key)}</Key><ETag>${escapeXml(mpEtag)}</ETag></CompleteMultipartUploadResult>`,
        );
      }
      if (kind === 'AbortMultipart') {
        uploads.delete(q.get('uploadId'));
        res.writeHead(204);
        return res.end();
      }
      if (kind === 'LIST') {
        const prefix = `${bucket}/${q.get('prefix') ?? ''}`;
        // V2 pages by continuation-token, V1 (rclone's default for other providers) by marker.
        const v2 = q.get('list-type') === '2';
        const after = q.get('continuation-token') ?? q.get('start-after') ?? q.get('marker') ?? '';
        const delimiter = q.get('delimiter');
        // With a delimiter (rclone lists folder by folder), keys below the next '/' fold into one prefix.
        const entries = new Set();
        for (const k of objects.keys()) {
          const rel = k.slice(bucket.length + 1);
          if (!k.startsWith(prefix) || rel <= after) continue;
          // A page that ended on a folded prefix goes on after everything below it.
          if (delimiter && after.endsWith(delimiter) && rel.startsWith(after)) continue;
          const cut = delimiter ? k.indexOf(delimiter, prefix.length) : -1;
          entries.add(cut === -1 ? k : k.slice(0, cut + 1));
        }
        const keys = [...entries].sort();
        const page = keys.slice(0, 1000);
        const truncated = keys.length > page.length;
        const contents = page
          .map((k) => {
            if (!objects.has(k))
              return `<CommonPrefixes><Prefix>${escapeXml(k.slice(bucket.length + 1))}</Prefix></CommonPrefixes>`;
            const o = objects.get(k);
            return `<Contents><Key>${escapeXml(k.slice(bucket.length + 1))}</Key><Size>${o.size}</Size><ETag>${escapeXml(o.etag)}</ETag><LastModified>${o.modified.toISOString()}</LastModified><StorageClass>STANDARD</StorageClass></Contents>`;
          })
          .join('');
        const last = truncated ? escapeXml(page.at(-1).slice(bucket.length + 1)) : '';
        const next = !truncated
          ? ''
          : v2
            ? `<NextContinuationToken>${last}</NextContinuationToken>`
            : `<NextMarker>${last}</NextMarker>`;
        return xml(
          res,
          200,
          `<ListBucketResult><Name>${bucket}</Name><Prefix>${escapeXml(q.get('prefix') ?? '')}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>${truncated}</IsTruncated>${contents}${next}</ListBucketResult>`,
        );
      }
      if (kind === 'HEAD' || kind === 'GET') {
        if (!key) return xml(res, 200, '<ListAllMyBucketsResult/>');
        const o = objects.get(id);
        if (!o || (kind === 'GET' && !o.body)) return xml(res, 404, '<Error><Code>NoSuchKey</Code></Error>');
        res.writeHead(200, {
          ...o.meta,
          etag: o.etag,
          'content-length': o.size,
          'last-modified': o.modified.toUTCString(),
        });
        return res.end(kind === 'GET' ? o.body : undefined);
      }
      if (kind === 'DeleteObjects') {
        const unescapeXml = (k) =>
          k.replace(
            /&(lt|gt|amp|apos|quot);/g,
            (_, e) => ({ lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' })[e],
          );
        const keys = [
          ...Buffer.concat(chunks)
            .toString('utf8')
            .matchAll(/<Key>([^<]*)<\/Key>/g),
        ].map((m) => unescapeXml(m[1]));
        for (const k of keys) objects.delete(`${bucket}/${k}`);
        return xml(
          res,
          200,
          `<DeleteResult>${keys.map((k) => `<Deleted><Key>${escapeXml(k)}</Key></Deleted>`).join('')}</DeleteResult>`,
        );
      }
      if (kind === 'DELETE') {
        objects.delete(id);
        res.writeHead(204);
        return res.end();
      }
      xml(res, 501, '<Error><Code>NotImplemented</Code></Error>');
    }
  });
  const port = await listen(server);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket: 'bench',
    objectCount: () => objects.size,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
