import { lookup } from 'mrmime';

/**
 * Where Skewless serves another type than the mime-db table behind `mrmime`: CommonJS chunks are scripts
 * to a browser, not `application/node`; `.ico` is what every browser asks for as `image/x-icon`; XML
 * keeps the type older Skewless manifests recorded; `.br` has no registered type.
 */
const OVERRIDES: Record<string, string> = {
  cjs: 'text/javascript',
  ico: 'image/x-icon',
  xml: 'application/xml',
  br: 'application/x-brotli',
};

const TEXT = /^(text\/|application\/(json|manifest\+json|xml|ld\+json|[a-z]+\+xml)|image\/svg\+xml)/;

/**
 * The Content-Type for a path, by extension, with `charset=utf-8` on text types. An unknown extension is
 * `application/octet-stream` (served with `nosniff`, so a browser never guesses).
 */
export function contentTypeFor(path: string): string {
  const slash = path.lastIndexOf('/');
  const dot = path.lastIndexOf('.');
  const ext = dot <= slash ? '' : path.slice(dot + 1).toLowerCase();
  const type = OVERRIDES[ext] ?? (ext ? lookup(ext) : undefined) ?? 'application/octet-stream';
  return TEXT.test(type) ? `${type}; charset=utf-8` : type;
}
