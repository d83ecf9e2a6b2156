// A cheaper parse of ListObjectsV2 pages for the S3 target. The SDK's generic XML parser and schema
// reader took about a third of a no-op re-run's CPU on a 2,000-file build (two listings of 1,000-key
// pages); the keys, sizes, ETags and dates this module reads out of a page are the same values, for a
// fraction of the cost. A page it does not fully understand is left to the SDK, untouched.
import type { S3Client } from '@aws-sdk/client-s3';

/** One listed object, in the SDK's own shape (`ListObjectsV2CommandOutput['Contents']`). */
export interface ListedObject {
  Key: string;
  Size: number;
  ETag?: string;
  LastModified?: Date;
}

/** A page split in two: its objects, read here, and the rest of the document, for the SDK to read. */
export interface SplitPage {
  contents: ListedObject[];
  /** The page without its `<Contents>` elements: still a whole ListBucketResult document. */
  rest: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const ENTITY = /&(?:#x([0-9a-fA-F]{1,6})|#(\d{1,7})|([a-zA-Z][a-zA-Z0-9]{0,30}));/g;

/**
 * XML text decoded as the SDK's parser decodes it (the same entities, the same rule for stray `&`), or
 * undefined where reading it is doubtful (an entity the SDK would drop, a character beyond U+FFFF given by
 * number): the page then goes to the SDK.
 */
export function decodeXmlText(text: string): string | undefined {
  let doubtful = false;
  const out = text.replace(
    ENTITY,
    (_, hex: string | undefined, dec: string | undefined, named: string | undefined) => {
      if (named !== undefined) {
        const known = ENTITIES[named];
        if (known === undefined) doubtful = true;
        return known ?? '';
      }
      const code = hex !== undefined ? Number.parseInt(hex, 16) : Number.parseInt(dec ?? '', 10);
      if (code > 0xffff) doubtful = true;
      return String.fromCharCode(code);
    },
  );
  return doubtful ? undefined : out;
}

/** The text of `<name>…</name>` directly in `block`, once, or undefined (absent, repeated, nested). */
function field(block: string, name: string): string | undefined | null {
  const open = `<${name}>`;
  const at = block.indexOf(open);
  if (at === -1) return undefined;
  const from = at + open.length;
  const end = block.indexOf(`</${name}>`, from);
  if (end === -1 || block.indexOf(open, end) !== -1) return null;
  const text = block.slice(from, end);
  return text.includes('<') ? null : text;
}

/**
 * Split a ListObjectsV2 page into its objects and the rest. Undefined (the SDK then parses the whole
 * page, as it always did) for anything but the plain shape S3, MinIO, R2 and s3rver answer with: CDATA,
 * comments, carriage returns (which XML turns into line feeds), common prefixes, an object without a key
 * or a numeric size, a key the SDK would read otherwise, a KeyCount that disagrees with the objects found,
 * a body cut short.
 */
export function splitListingPage(xml: string): SplitPage | undefined {
  if (!/^\s*(<\?xml[^>]*\?>\s*)?<ListBucketResult[\s>]/.test(xml)) return undefined;
  if (!xml.trimEnd().endsWith('</ListBucketResult>')) return undefined;
  if (/<!\[CDATA\[|<!--|<!DOCTYPE|\r|<CommonPrefixes[\s>]|<Contents\s*\/>|<Contents\s[^>]*>/.test(xml))
    return undefined;
  const contents: ListedObject[] = [];
  const pieces: string[] = [];
  let at = 0;
  for (;;) {
    const start = xml.indexOf('<Contents>', at);
    if (start === -1) break;
    const end = xml.indexOf('</Contents>', start);
    if (end === -1) return undefined;
    const block = xml.slice(start + '<Contents>'.length, end);
    if (block.includes('<Contents>')) return undefined;
    const key = field(block, 'Key');
    const size = field(block, 'Size');
    const etag = field(block, 'ETag');
    const modified = field(block, 'LastModified');
    if (typeof key !== 'string' || typeof size !== 'string' || !/^\d{1,16}$/.test(size)) return undefined;
    if (etag === null || modified === null) return undefined;
    const Key = decodeXmlText(key);
    // The SDK reads a key of only white space with a line break as empty.
    if (Key === undefined || Key === '' || (Key.trim() === '' && Key.includes('\n'))) return undefined;
    const object: ListedObject = { Key, Size: Number(size) };
    if (etag !== undefined) {
      const ETag = decodeXmlText(etag);
      if (ETag === undefined) return undefined;
      object.ETag = ETag;
    }
    if (modified !== undefined) {
      const when = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(modified)
        ? new Date(modified)
        : undefined;
      if (!when || Number.isNaN(when.getTime())) return undefined;
      object.LastModified = when;
    }
    contents.push(object);
    pieces.push(xml.slice(at, start));
    at = end + '</Contents>'.length;
  }
  pieces.push(xml.slice(at));
  const rest = pieces.join('');
  const count = field(rest, 'KeyCount');
  if (count === null || (count !== undefined && Number(count) !== contents.length)) return undefined;
  return { contents, rest };
}

const PAGE = Symbol('skewless listing page');

/**
 * Let the client read ListObjectsV2 pages with {@link splitListingPage}: one middleware next to the HTTP
 * handler takes a successful page's objects out of the body (the SDK still parses, checks and answers
 * the rest: truncation, continuation token, errors), one at the start puts them in the output's
 * `Contents`. Every other request, and every page the split declines, goes through the SDK unchanged.
 */
export function useFastListing(client: S3Client): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      const page = (context as Record<symbol, ListedObject[] | undefined>)[PAGE];
      if (page && (context as { commandName?: string }).commandName === 'ListObjectsV2Command')
        (result.output as { Contents?: ListedObject[] }).Contents = page;
      return result;
    },
    { step: 'initialize', name: 'skewlessListingContents' },
  );
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if ((context as { commandName?: string }).commandName !== 'ListObjectsV2Command') return result;
      const response = result.response as { statusCode?: number; body?: unknown };
      if (response.statusCode !== 200 || response.body === undefined) return result;
      const bytes = await collect(response.body);
      const split = splitListingPage(bytes.toString('utf8'));
      if (split) (context as Record<symbol, ListedObject[]>)[PAGE] = split.contents;
      response.body = split ? Buffer.from(split.rest, 'utf8') : bytes;
      return result;
    },
    { step: 'deserialize', priority: 'low', name: 'skewlessListingSplit' },
  );
}

async function collect(body: unknown): Promise<Buffer> {
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array | string>)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
  return Buffer.concat(chunks);
}
