import { fileURLToPath } from 'node:url';
import { SkewlessError } from '@skewless/core';

/** A parsed `--to` value. */
export type TargetLocation = { kind: 's3'; bucket: string; prefix: string } | { kind: 'file'; dir: string };

/** Parse `s3://bucket/prefix` or `file:///absolute/path`; a usage error names both forms otherwise. */
export function parseTarget(to: string): TargetLocation {
  const s3 = /^s3:\/\/([^/]+)\/?(.*)$/.exec(to);
  if (s3) {
    const prefix = (s3[2] ?? '').replace(/^\/+|\/+$/g, '');
    // Some servers resolve `..` and `.` in keys, so objects would land outside the named prefix (and a
    // prune would look elsewhere); an empty segment (`a//b`) is a different key than it looks.
    const bad = prefix.split('/').find((s) => s === '..' || s === '.' || (s === '' && prefix !== ''));
    if (bad !== undefined || prefix.includes('\\')) {
      throw new SkewlessError(
        'INVALID_OPTIONS',
        `the prefix of '${to}' has ${bad === undefined ? 'a backslash' : bad === '' ? 'an empty segment (//)' : `a '${bad}' segment`}, so objects could land outside it. Name the prefix plainly, such as s3://${s3[1]}/app.`,
      );
    }
    return { kind: 's3', bucket: s3[1] as string, prefix };
  }
  if (to.startsWith('file://')) {
    try {
      return { kind: 'file', dir: fileURLToPath(to) };
    } catch (error) {
      throw new SkewlessError(
        'INVALID_OPTIONS',
        `'${to}' is not a valid file URL. Use an absolute path: file:///srv/assets.`,
        { cause: error },
      );
    }
  }
  throw new SkewlessError(
    'INVALID_OPTIONS',
    `unsupported target '${to}'. Use s3://bucket/prefix or file:///absolute/path.`,
  );
}

/** The key of a manifest path below a prefix (`''` → the path itself). */
export function joinKey(prefix: string, path: string): string {
  return prefix ? `${prefix}/${path}` : path;
}
