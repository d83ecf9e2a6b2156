import { RELEASE_META, RELEASE_PLACEHOLDER } from '@skewless/core';

/** A tag in Vite's `transformIndexHtml` descriptor form. */
export interface HtmlTag {
  tag: string;
  attrs?: Record<string, string | boolean | undefined>;
  children?: string;
  injectTo?: 'head' | 'body' | 'head-prepend' | 'body-prepend';
}

/**
 * The release meta tag. Its content is a placeholder because the release id is derived from the
 * bundle, HTML included; the plugin stamps the id into the bundle's HTML in its last generateBundle
 * (`stampHtml`), before other plugins read it.
 */
export function releaseMetaTag(): HtmlTag {
  return {
    tag: 'meta',
    attrs: { name: RELEASE_META, content: RELEASE_PLACEHOLDER },
    injectTo: 'head-prepend',
  };
}

// The declaration must sit whole within the first 1024 bytes (HTML spec, "specifying the document's
// character encoding"); the inline guard alone is about 900 bytes, so it has to come after it.
const CHARSET_META = /[ \t]*<meta\s+charset\s*=\s*["']?([\w-]+)["']?\s*\/?>[ \t]*\r?\n?/i;

/**
 * Take the document's `<meta charset>` out of the HTML and return it as the first tag to prepend to
 * `<head>`, so the tags Skewless prepends (release meta, inline guard) come after it, not before it.
 */
export function charsetFirst(html: string): { html: string; tags: HtmlTag[] } {
  const head = /<head[^>]*>/i.exec(html);
  const end = html.search(/<\/head>/i);
  if (!head || end < 0) return { html, tags: [] };
  const start = head.index + head[0].length;
  const match = CHARSET_META.exec(html.slice(start, end));
  if (!match) return { html, tags: [] };
  const at = start + match.index;
  return {
    html: html.slice(0, at) + html.slice(at + match[0].length),
    tags: [{ tag: 'meta', attrs: { charset: match[1] }, injectTo: 'head-prepend' }],
  };
}

/** A value for a double-quoted HTML attribute. */
export function escapeAttr(value: string): string {
  return value.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;');
}
