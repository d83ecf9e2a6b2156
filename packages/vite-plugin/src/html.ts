import { RELEASE_META, RELEASE_PLACEHOLDER } from '@skewless/uploader';

/** A tag in Vite's `transformIndexHtml` descriptor form. */
export interface HtmlTag {
  tag: string;
  attrs?: Record<string, string | boolean | undefined>;
  children?: string;
  injectTo?: 'head' | 'body' | 'head-prepend' | 'body-prepend';
}

/**
 * The release meta tag. Its content is a placeholder because the release id is derived from every
 * output file, HTML included; the engine stamps the id in once it is known (`stampRelease`).
 */
export function releaseMetaTag(): HtmlTag {
  return {
    tag: 'meta',
    attrs: { name: RELEASE_META, content: RELEASE_PLACEHOLDER },
    injectTo: 'head-prepend',
  };
}
