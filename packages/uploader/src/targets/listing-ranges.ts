// A listing of a large prefix in key ranges listed at once. ListObjectsV2 answers 1,000 keys a page and
// each page needs the previous one's continuation token, so a prefix of 20,000 keys (ten kept releases
// of a 2,000-file app) takes 20 round trips one after the other, twice per deploy (the plan's listing and
// the verifying one): seconds on a real link. The manifest says which keys the prefix mostly holds, so
// its keys split the key space into ranges of about equal size; each range is listed from its start
// (`StartAfter`) until a key past its end shows up, all ranges at once.
//
// Complete whatever the prefix holds: a range is listed until the server shows a key beyond it (or the
// listing ends), so keys no manifest named (other releases, other tools' objects) are found in whichever
// range they fall. The ranges' bounds are ASCII keys, so the server's order (S3: UTF-8 bytes; s3rver: JS
// strings) and this module's string comparison agree on which side of a bound any key lies. A server
// that ignored `StartAfter` would still give a complete listing: keys before a range are dropped, not
// trusted to be absent.

/** At most this many ranges are listed at once. */
export const LIST_RANGES_AT_ONCE = 8;
/** Keys a ListObjectsV2 page holds (S3's most, and what it answers when asked for no number). */
export const PAGE_KEYS = 1000;

const ASCII = /^[\x20-\x7e]+$/;

/** One range of a listing: the keys after `after` (all when undefined), up to and with `upTo`. */
export interface KeyRange {
  after?: string;
  upTo?: string;
}

/**
 * The ranges to list a prefix in, from the full keys it is expected to hold: as many as the pages those
 * keys fill (`pageKeys` a page), at most {@link LIST_RANGES_AT_ONCE}, bounded by expected keys of
 * printable ASCII, in order; one range (the whole prefix) for a page or less. A prefix holding only
 * these keys is then listed in as many requests as one pass would make, each range a page: no more
 * work for a server whose listing costs the same whatever the page (s3rver reads every key's metadata
 * for each request), and for a prefix holding other releases too, a fraction of the round trips.
 */
export function listingRanges(expectedKeys: readonly string[], pageKeys = PAGE_KEYS): KeyRange[] {
  const count = Math.min(LIST_RANGES_AT_ONCE, Math.ceil(expectedKeys.length / pageKeys));
  if (count <= 1) return [{}];
  const sorted = expectedKeys.filter((k) => ASCII.test(k)).sort();
  const bounds: string[] = [];
  for (let i = 1; i < count; i++) {
    const bound = sorted[Math.floor((i * sorted.length) / count)];
    if (bound !== undefined && bound !== bounds[bounds.length - 1]) bounds.push(bound);
  }
  return [undefined, ...bounds].map((after, i) => ({
    ...(after === undefined ? {} : { after }),
    ...(bounds[i] === undefined ? {} : { upTo: bounds[i] }),
  }));
}

/** Where `key` lies against `range`: before it, in it, or past it. */
export function placeOf(key: string, range: KeyRange): 'before' | 'in' | 'past' {
  if (range.after !== undefined && key <= range.after) return 'before';
  if (range.upTo !== undefined && key > range.upTo) return 'past';
  return 'in';
}
