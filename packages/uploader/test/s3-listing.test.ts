import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { mapLimit } from '@skewless/core';
import { describe, expect, it } from 'vitest';
import { createS3Target } from '../src/targets/s3.js';
import { splitListingPage } from '../src/targets/s3-listing.js';
import { type startS3, useS3 } from './helpers/s3.js';

// The S3 target reads ListObjectsV2 pages itself (s3-listing.ts) instead of through the SDK's XML
// parser: it must read every page exactly as the SDK does, or leave the page to the SDK.

let s3: Awaited<ReturnType<typeof startS3>>;
useS3((started) => {
  s3 = started;
});

/** Keys whose XML escaping a hand-written reader could get wrong, and enough others for two pages. */
const AWKWARD = [
  'a&b.js',
  'less<than>greater.js',
  'quote"and\'apos.js',
  'semi;&amp;literal.js',
  'unicode-ünïcødé-日本-🎉.js',
  'with space/and tab\t.js',
  'cdata]]>end.js',
  '&#65;-not-an-entity.js',
];
const KEYS = [...AWKWARD, ...Array.from({ length: 1100 }, (_, i) => `assets/chunk${i}-${i.toString(16)}.js`)];

describe('the S3 target reads listings as the SDK does', () => {
  it('every page of s3rver (awkward keys, two pages) splits, and list() equals the SDK own reading', async () => {
    const prefix = 'listing';
    await mapLimit(KEYS, 16, async (key, i) => {
      await s3.client.send(
        new PutObjectCommand({
          Bucket: 'skewless',
          Key: `${prefix}/${key}`,
          Body: Buffer.from(`body ${i}`.repeat(i % 7)),
        }),
      );
    });

    // The SDK's own reading of each page, and the page's raw XML beside it (a middleware next to the
    // HTTP handler copies the body before the SDK parses it).
    const raw: string[] = [];
    const sdkObjects = new Map<string, { size: number; etag?: string; modified?: number }>();
    s3.client.middlewareStack.add(
      (next) => async (args) => {
        const result = await next(args);
        const response = result.response as { body: AsyncIterable<Buffer> };
        const chunks: Buffer[] = [];
        for await (const c of response.body) chunks.push(Buffer.from(c));
        raw.push(Buffer.concat(chunks).toString('utf8'));
        (response as { body: unknown }).body = Buffer.concat(chunks);
        return result;
      },
      { step: 'deserialize', priority: 'low', name: 'testCopyListing' },
    );
    let token: string | undefined;
    const sdkPages: { Key?: string; Size?: number; ETag?: string; LastModified?: Date }[][] = [];
    do {
      const page = await s3.client.send(
        new ListObjectsV2Command({ Bucket: 'skewless', Prefix: `${prefix}/`, ContinuationToken: token }),
      );
      sdkPages.push(page.Contents ?? []);
      for (const o of page.Contents ?? [])
        sdkObjects.set(o.Key!.slice(prefix.length + 1), {
          size: o.Size!,
          etag: o.ETag?.replace(/"/g, ''),
          modified: o.LastModified?.getTime(),
        });
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    s3.client.middlewareStack.remove('testCopyListing');

    expect(raw).toHaveLength(2);
    for (const [i, xml] of raw.entries()) {
      const split = splitListingPage(xml);
      expect(split, `page ${i} splits`).toBeDefined();
      expect(split!.contents).toEqual(
        sdkPages[i]!.map((o) => ({ Key: o.Key, Size: o.Size, ETag: o.ETag, LastModified: o.LastModified })),
      );
      // What is left for the SDK still says whether there is a next page.
      expect(split!.rest).toContain('<IsTruncated>');
      expect(split!.rest).not.toContain('<Contents>');
    }
    expect(sdkObjects.size).toBe(KEYS.length);
    for (const key of AWKWARD) expect(sdkObjects.has(key), key).toBe(true);

    const target = await createS3Target({
      bucket: 'skewless',
      prefix,
      endpoint: s3.server.endpoint,
      credentials: s3.credentials,
      multipartThreshold: 64 * 1024 * 1024,
    });
    try {
      const listed = await target.list();
      expect(
        new Map([...listed].map(([k, o]) => [k, { size: o.size, etag: o.etag, modified: o.modified }])),
      ).toEqual(sdkObjects);
    } finally {
      await target.close();
    }
  });

  const PAGE = (contents: string, extra = '') =>
    `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name><Prefix></Prefix>${extra}<MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>${contents}</ListBucketResult>`;
  const OBJECT = (key: string, size = '3') =>
    `<Contents><Key>${key}</Key><LastModified>2026-12-03T10:00:00.000Z</LastModified><ETag>&quot;900150983cd24fb0d6963f7d28e17f72&quot;</ETag><Size>${size}</Size><Owner><ID>x</ID><DisplayName>y</DisplayName></Owner><StorageClass>STANDARD</StorageClass></Contents>`;

  it('reads a page of AWS S3 shape (owner, storage class, KeyCount), with the quotes of its ETags', () => {
    const split = splitListingPage(
      PAGE(OBJECT('a.js') + OBJECT('b&amp;c.js', '0'), '<KeyCount>2</KeyCount>'),
    );
    expect(split?.contents).toEqual([
      {
        Key: 'a.js',
        Size: 3,
        ETag: '"900150983cd24fb0d6963f7d28e17f72"',
        LastModified: new Date('2026-12-03T10:00:00.000Z'),
      },
      {
        Key: 'b&c.js',
        Size: 0,
        ETag: '"900150983cd24fb0d6963f7d28e17f72"',
        LastModified: new Date('2026-12-03T10:00:00.000Z'),
      },
    ]);
    expect(split?.rest).toBe(PAGE('', '<KeyCount>2</KeyCount>'));
  });

  const declined: [string, string][] = [
    ['a CDATA section', PAGE(OBJECT('<![CDATA[a.js]]>'))],
    ['a comment', PAGE(`<!-- hi -->${OBJECT('a.js')}`)],
    ['a carriage return (XML reads it as a line feed)', PAGE(OBJECT('a\r.js'))],
    ['common prefixes (a delimiter listing)', PAGE(`<CommonPrefixes><Prefix>a/</Prefix></CommonPrefixes>`)],
    ['an entity the SDK would drop', PAGE(OBJECT('a&nbsp;.js'))],
    ['a character beyond U+FFFF by number', PAGE(OBJECT('a&#x1F389;.js'))],
    ['a size that is no number', PAGE(OBJECT('a.js', '-1'))],
    ['an object without a size', PAGE('<Contents><Key>a.js</Key></Contents>')],
    ['an empty key', PAGE(OBJECT(''))],
    ['a KeyCount other than the objects found', PAGE(OBJECT('a.js'), '<KeyCount>2</KeyCount>')],
    ['a date of another shape', PAGE(OBJECT('a.js').replace('2026-12-03T10:00:00.000Z', 'yesterday'))],
    ['a body that is not a listing', '<?xml version="1.0"?><Error><Code>InternalError</Code></Error>'],
    ['a cut-off body', PAGE(OBJECT('a.js')).slice(0, -40)],
    ['a body cut after its objects', PAGE(OBJECT('a.js')).slice(0, -10)],
  ];
  for (const [what, xml] of declined) {
    it(`leaves a page to the SDK on ${what}`, () => {
      expect(splitListingPage(xml)).toBeUndefined();
    });
  }
});
