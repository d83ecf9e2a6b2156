// PutObject of a small body held in memory, sent without the SDK's per-request middleware stack.
//
// A CPU profile of a cold 2,000-file upload against a fast local sink put about 0.5 ms of CPU in the SDK
// for every PutObject (the stack built for the command, its endpoint rules, schema serializer, user agent,
// retry and signing wrappers): 1.1 s of a 2.6 s run, where the request's own work (hashing, socket writes)
// was a fraction. The client is then the bottleneck on any fast link.
//
// What the SDK decides stays the SDK's: the first PutObjects of an upload go through it, and a middleware
// reads off one of them, as it is about to be signed, where it goes (protocol, host, port and the path
// before the key, from the SDK's endpoint rules) and how it is signed (the auth scheme the rules chose).
// Only a plain SigV4 route is learned (not S3 Express, not a multi-region access point), and only when
// the headers this module would write for that same request are exactly the ones the SDK serialized.
// Later PutObjects with a body in memory are then built here, signed with the client's own signer (its
// credentials chain, refreshed as the SDK refreshes them, and its clock-skew offset), and sent through the
// client's own HTTP handler, so the deadline on every request (deadline.ts) holds for these too.
//
// An answer other than success, 412, 409, 429, 5xx or 400 BadDigest turns the direct route off for the
// rest of the upload, so a redirect to another region, a skewed clock or anything unusual is handled by
// the SDK from the next attempt on.
import type { S3Client } from '@aws-sdk/client-s3';
import type { HttpHandle } from './deadline.js';
import { decodeXmlText } from './s3-listing.js';

/** An answer of the SDK's HTTP handler (`@smithy/protocol-http`'s HttpResponse). */
interface HttpAnswer {
  statusCode: number;
  headers: Record<string, string>;
  body?: unknown;
}

/** The SDK's auth scheme of an endpoint (`endpointV2.properties.authSchemes[0]`). */
interface AuthScheme {
  name: string;
  signingName?: string;
  signingRegion?: string;
  [k: string]: unknown;
}

/** Where a PutObject goes, as the SDK sent one. */
interface Route {
  protocol: string;
  hostname: string;
  port?: number;
  /** The request path before the encoded key, ending in '/' (`/bucket/` path-style, `/` virtual). */
  base: string;
  authScheme: AuthScheme;
}

interface Signer {
  sign(
    request: unknown,
    options: { signingDate: Date; signingRegion?: string; signingService?: string },
  ): Promise<{ headers: Record<string, string> }>;
}

/** What a PutObject answered that the target reads (the SDK's output names). */
export interface DirectPutOutput {
  ETag?: string;
  ServerSideEncryption?: string;
  SSECustomerAlgorithm?: string;
}

/** Headers the SDK adds to every request, which say nothing about the object. */
const SDK_OWN = new Set([
  'user-agent',
  'x-amz-user-agent',
  'amz-sdk-invocation-id',
  'amz-sdk-request',
  'x-amz-date',
  'x-amz-security-token',
  'authorization',
  'host',
  'expect',
]);

/** Refusals that say nothing unusual about the route: the target handles them as before. */
const ROUTINE = new Set([409, 412, 429]);

/** A key segment as the SDK encodes a greedy path label (`{Key+}`): RFC 3986, `!'()*` included. */
const encodeSegment = (segment: string) =>
  encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** The key as it stands in the request path. */
export const encodeKey = (key: string) => key.split('/').map(encodeSegment).join('/');

/** The answer's body as text, at most 64 KiB of it (an error document is far smaller). */
async function textOf(body: unknown): Promise<string> {
  const stream = body as AsyncIterable<Buffer> | undefined;
  if (!stream || typeof stream[Symbol.asyncIterator] !== 'function') return '';
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of stream) {
    if (length < 65_536) chunks.push(chunk);
    length += chunk.length;
  }
  return Buffer.concat(chunks).toString('utf8');
}

const fieldOf = (xml: string, name: string) => {
  const match = new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml);
  return match ? decodeXmlText(match[1] as string) : undefined;
};

/**
 * An error in the SDK's shape (`S3ServiceException`: the code as `name`, the status in `$metadata`, the
 * answer in `$response`), so retries, translate() and the conditional-write logic read it as they read
 * the SDK's.
 */
function serviceError(status: number, headers: Record<string, string>, xml: string): Error {
  const code = fieldOf(xml, 'Code') || 'Unknown';
  const message = fieldOf(xml, 'Message') || code;
  return Object.assign(new Error(message), {
    name: code,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: {
      httpStatusCode: status,
      requestId: headers['x-amz-request-id'] ?? fieldOf(xml, 'RequestId'),
      extendedRequestId: headers['x-amz-id-2'],
      attempts: 1,
      totalRetryDelay: 0,
    },
    $response: { statusCode: status, headers, body: xml },
  });
}

export class DirectPuts {
  private route: Route | undefined;
  private off = false;
  private signer: Promise<Signer> | undefined;
  /**
   * Per key of a PutObject the SDK is sending (one write per key at a time): the headers this module
   * would write for it, and once the SDK built the request, its route when it is one to send directly.
   * By key, since the SDK's middlewares pass copies of the input along.
   */
  private readonly pending = new Map<string, { headers: Record<string, string>; route?: Route }>();

  constructor(
    private readonly client: S3Client,
    private readonly handle: HttpHandle,
  ) {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if ((context as { commandName?: string }).commandName !== 'PutObjectCommand') return next(args);
        const key = (args.input as { Key?: string }).Key ?? '';
        const ours = this.pending.get(key);
        if (ours && !this.route && !this.off) ours.route = routeOf(args.request, context, key, ours.headers);
        return next(args);
      },
      // After every build-step middleware (ours add headers there), before signing.
      { step: 'build', priority: 'low', name: 'skewlessDirectRoute' },
    );
  }

  /** Whether a PutObject can now be sent directly. */
  get ready(): boolean {
    return this.route !== undefined && !this.off;
  }

  /**
   * Send a PutObject of `key` through the SDK (`send`), comparing the request it builds with what
   * {@link put} would send (`headers`): when they match and the server accepts the write, its route is
   * the one to use from now on.
   */
  async learnFrom<T>(key: string, headers: Record<string, string>, send: () => Promise<T>): Promise<T> {
    if (this.route || this.off) return send();
    const entry: { headers: Record<string, string>; route?: Route } = { headers };
    this.pending.set(key, entry);
    try {
      const out = await send();
      if (entry.route && !this.route && !this.off) this.route = entry.route;
      return out;
    } finally {
      if (this.pending.get(key) === entry) this.pending.delete(key);
    }
  }

  /**
   * PUT `body` to `key` with `headers` (the object's, in lower case). Throws an SDK-shaped error for an
   * answer other than 2xx; an unusual one also turns the direct route off.
   */
  async put(key: string, headers: Record<string, string>, body: Buffer): Promise<DirectPutOutput> {
    const route = this.route;
    if (!route || this.off) throw new Error('the direct PutObject route is not ready');
    const config = this.client.config as unknown as {
      signer: (scheme: AuthScheme) => Promise<Signer>;
      systemClockOffset?: number;
    };
    this.signer ??= config.signer(route.authScheme);
    const signer = await this.signer;
    const host = route.port === undefined ? route.hostname : `${route.hostname}:${route.port}`;
    const request = {
      method: 'PUT',
      protocol: route.protocol,
      hostname: route.hostname,
      port: route.port,
      path: `${route.base}${encodeKey(key)}`,
      query: {},
      headers: { ...headers, host },
      body,
    };
    const signed = await signer.sign(request, {
      signingDate: new Date(Date.now() + (config.systemClockOffset ?? 0)),
      signingRegion: route.authScheme.signingRegion,
      signingService: route.authScheme.signingName ?? 's3',
    });
    const response = (await this.handle(signed, {})).response as HttpAnswer;
    const status = response.statusCode;
    const answer = lowerCased(response.headers);
    if (status >= 200 && status < 300) {
      (response.body as { resume?: () => void } | undefined)?.resume?.();
      return {
        ETag: answer.etag,
        ServerSideEncryption: answer['x-amz-server-side-encryption'],
        SSECustomerAlgorithm: answer['x-amz-server-side-encryption-customer-algorithm'],
      };
    }
    const xml = await textOf(response.body);
    const error = serviceError(status, answer, xml);
    if (!ROUTINE.has(status) && status < 500 && error.name !== 'BadDigest') this.off = true;
    throw error;
  }
}

function lowerCased(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) out[k.toLowerCase()] = v;
  return out;
}

/**
 * The route of a PutObject the SDK is about to sign, or undefined when it is not one to send directly:
 * not plain SigV4, a query beyond the SDK's `x-id`, a path that is not a base and the encoded key, or
 * object headers other than `ours`.
 */
function routeOf(
  request: unknown,
  context: unknown,
  key: string,
  ours: Record<string, string>,
): Route | undefined {
  const r = request as {
    protocol?: string;
    hostname?: string;
    port?: number;
    path?: string;
    query?: Record<string, unknown>;
    headers?: Record<string, string>;
    username?: string;
    password?: string;
    fragment?: string;
  };
  const ctx = context as {
    endpointV2?: { properties?: { authSchemes?: AuthScheme[] } };
    selectedHttpAuthScheme?: { httpAuthOption?: { schemeId?: string } };
  };
  const schemes = ctx.endpointV2?.properties?.authSchemes ?? [];
  if (schemes.length !== 1 || schemes[0]?.name !== 'sigv4') return undefined;
  const scheme = schemes[0];
  const schemeId = ctx.selectedHttpAuthScheme?.httpAuthOption?.schemeId;
  if (schemeId !== undefined && schemeId !== 'aws.auth#sigv4') return undefined;
  if (!r.protocol || !r.hostname || !r.path || r.username || r.password || r.fragment) return undefined;
  const query = Object.entries(r.query ?? {});
  if (query.some(([k, v]) => k !== 'x-id' || v !== 'PutObject')) return undefined;
  const encoded = encodeKey(key);
  if (!r.path.endsWith(encoded)) return undefined;
  const base = r.path.slice(0, r.path.length - encoded.length);
  if (!base.endsWith('/')) return undefined;
  const sent = Object.entries(lowerCased(r.headers ?? {})).filter(([k]) => !SDK_OWN.has(k));
  if (sent.length !== Object.keys(ours).length) return undefined;
  if (sent.some(([k, v]) => ours[k] !== v)) return undefined;
  return { protocol: r.protocol, hostname: r.hostname, port: r.port, base, authScheme: scheme };
}
