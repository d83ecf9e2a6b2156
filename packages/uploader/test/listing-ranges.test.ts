import { PutObjectCommand } from '@aws-sdk/client-s3';
import { mapLimit } from '@skewless/core';
import { describe, expect, it } from 'vitest';
import { LIST_RANGES_AT_ONCE, listingRanges, placeOf } from '../src/targets/listing-ranges.js';
import { createS3Target } from '../src/targets/s3.js';
import { type ProxyRecord, startAwsProxy } from './helpers/aws-proxy.js';
import { type startS3, useS3 } from './helpers/s3.js';

// A prefix the manifest describes is listed in key ranges at once, bounded by the manifest's keys. The
// listing must hold every object all the same: keys no manifest named, keys beyond 1,000 in one range
// (more pages), keys outside ASCII, keys equal to a bound. Checked against one pass over the same prefix.

let s3: Awaited<ReturnType<typeof startS3>>;
const cleanups = useS3((started) => {
  s3 = started;
});

/** The S3 target for `prefix` of the bucket, reached at `endpoint` (a proxy in front of s3rver). */
const targetAt = (endpoint: string, prefix: string) =>
  createS3Target({
    bucket: 'skewless',
    prefix,
    endpoint,
    credentials: s3.credentials,
    multipartThreshold: 64 * 1024 * 1024,
    // Pages of 100 keys: ranges and pages without thousands of objects.
    listPageKeys: 100,
  });

/** `paths` written under `prefix` straight into s3rver, each holding its own name. */
const seed = (prefix: string, paths: string[]) =>
  mapLimit(paths, 32, (path) =>
    s3.client.send(new PutObjectCommand({ Bucket: 'skewless', Key: `${prefix}/${path}`, Body: path })),
  );

const isList = (r: ProxyRecord) =>
  r.method === 'GET' && new URL(r.url, 'http://x').searchParams.has('list-type');

describe('listing ranges', () => {
  it('one range for a page of keys or less; for more, a range a page, at most 8, bounded by ASCII keys, in order', () => {
    expect(listingRanges([])).toEqual([{}]);
    expect(listingRanges(Array.from({ length: 1000 }, (_, i) => `p/${i}`))).toEqual([{}]);
    expect(listingRanges(Array.from({ length: 2001 }, (_, i) => `p/${i}`))).toHaveLength(3);
    const keys = Array.from(
      { length: 2001 },
      (_, i) => `p/assets/c${String(i).padStart(4, '0')}-ab12cd34.js`,
    );
    // Non-ASCII keys are never a bound: the server's order and a string comparison may disagree on them.
    const unicode = Array.from({ length: 500 }, (_, i) => `p/assets/ü${i}-ab12cd34.js`);
    const ranges = listingRanges([...unicode, ...keys].reverse(), 100);
    expect(ranges).toHaveLength(LIST_RANGES_AT_ONCE);
    expect(ranges[0]).toEqual({ upTo: ranges[1]!.after });
    expect(ranges.at(-1)!.upTo).toBeUndefined();
    const bounds = ranges.slice(1).map((r) => r.after!);
    expect(bounds).toEqual([...bounds].sort());
    expect(bounds.every((b) => /^[\x20-\x7e]+$/.test(b))).toBe(true);
    for (let i = 1; i < ranges.length - 1; i++) expect(ranges[i]!.upTo).toBe(ranges[i + 1]!.after);
    // Every key lies in exactly one range.
    for (const key of [...keys, ...unicode, 'p/', 'p/~~~', 'p/assets/c0000'])
      expect(
        ranges.filter((r) => placeOf(key, r) === 'in'),
        key,
      ).toHaveLength(1);
  });

  it('lists every object, expected or not, in the order of one pass, with the ranges in flight at once', async () => {
    const prefix = 'ranges';
    const expected = Array.from(
      { length: 550 },
      (_, i) => `assets/m${String(i).padStart(3, '0')}-1a2b3c4d.js`,
    );
    const others = [
      // 150 keys of other releases between two manifest keys: that range takes three pages of 100.
      ...Array.from({ length: 150 }, (_, i) => `assets/m010-x${String(i).padStart(4, '0')}.js`),
      // Before every manifest key, after every one, outside ASCII, and with the same name as a bound.
      'assets/0-first.js',
      'assets/zzz-last.js',
      '~after-assets.txt',
      'assets/m3ü-9f9f9f9f.js',
      'assets/m15😀-9f9f9f9f.js',
      'index.html',
      '.skewless/releases/abc.json',
    ];
    await seed(prefix, [...expected, ...others]);
    // The LIST requests are held until as many are in flight as there are ranges: they were sent at once.
    const ranges = listingRanges(
      expected.map((p) => `${prefix}/${p}`),
      100,
    );
    expect(ranges.length).toBe(6);
    let held: (() => void) | undefined;
    const allIn = new Promise<void>((resolve) => {
      held = resolve;
    });
    let lists = 0;
    const proxy = await startAwsProxy(s3.server.endpoint, s3.client, [], {
      beforeRequest: async (r) => {
        if (!isList(r) || new URL(r.url, 'http://x').searchParams.has('continuation-token')) return;
        if (++lists === ranges.length) held?.();
        await allIn;
      },
    });
    cleanups.push(proxy.close);
    const target = await targetAt(proxy.endpoint, prefix);
    try {
      const inRanges = await target.list(expected);
      const listRequests = proxy.requests.filter(isList);
      expect(listRequests.filter((r) => r.url.includes('continuation-token'))).toHaveLength(2);
      expect(listRequests.filter((r) => r.url.includes('start-after'))).toHaveLength(ranges.length - 1);
      const onePass = await target.list();
      expect([...inRanges.keys()]).toEqual([...onePass.keys()]);
      expect(inRanges).toEqual(onePass);
      expect(inRanges.size).toBe(expected.length + others.length);
    } finally {
      await target.close();
    }
  });

  it('a server that ignores StartAfter still gives the whole listing, each object once', async () => {
    const prefix = 'no-start-after';
    const expected = Array.from(
      { length: 520 },
      (_, i) => `assets/n${String(i).padStart(3, '0')}-1a2b3c4d.js`,
    );
    const others = ['assets/n2-other.js', 'assets/n5ü.js', 'z.txt'];
    await seed(prefix, [...expected, ...others]);
    const proxy = await startAwsProxy(s3.server.endpoint, s3.client, [], {
      beforeRequest: async (r) => {
        const url = new URL(r.url, 'http://x');
        if (!url.searchParams.has('start-after')) return;
        url.searchParams.delete('start-after');
        r.url = `${url.pathname}${url.search}`;
      },
    });
    cleanups.push(proxy.close);
    const target = await targetAt(proxy.endpoint, prefix);
    try {
      const listed = await target.list(expected);
      expect(proxy.requests.filter(isList).length).toBeGreaterThan(1);
      expect([...listed.keys()]).toEqual([...expected, ...others].sort());
    } finally {
      await target.close();
    }
  });
});
