/** Vite's `experimental.renderBuiltUrl`, as far as the plugin calls it (Vite 5–8). */
export type RenderBuiltUrl = (
  fileName: string,
  context: { type: 'asset' | 'public'; hostId: string; hostType: 'js' | 'css' | 'html'; ssr: boolean },
) => string | { relative?: boolean; runtime?: string } | undefined;

/**
 * The URL a page links one of the build's files by when the app's `experimental.renderBuiltUrl` gives it
 * one of its own (a CDN origin: `https://cdn.example/assets/main-1a2b3c4d.js`), asked as Vite asks for the
 * page's entry; undefined when the page links it at the base as usual (`{ relative: true }`, nothing).
 */
export function renderedUrl(
  render: RenderBuiltUrl | undefined,
  fileName: string,
  page: string,
): string | undefined {
  if (!render) return undefined;
  const url = render(fileName, {
    type: 'asset',
    hostId: page.replace(/^\/+/, ''),
    hostType: 'html',
    ssr: false,
  });
  return typeof url === 'string' ? url : undefined;
}

const PROBE = 'skewless-probe.js';

/**
 * Where a page links the build's files under renderBuiltUrl, as the root of the output directory
 * (`https://cdn.example/app/` for `https://cdn.example/app/assets/…`): the guard's `assetsBase`, which answers
 * only for files under it (with the base's `/assets/` it took the page's own entry on the CDN for a third
 * party's script), and the manifest's, whose links there count as references. Asked for a probe file in the
 * assets folder, as Vite asks for a page's entry. Undefined when renderBuiltUrl leaves the page's links alone
 * or names the probe otherwise than by its path at the end.
 */
export function renderedAssetsBase(
  render: RenderBuiltUrl | undefined,
  assetsDir: string,
  page: string,
): string | undefined {
  const dir = assetsDir.replace(/^\/+|\/+$/g, '');
  const path = `${dir ? `${dir}/` : ''}${PROBE}`;
  const url = renderedUrl(render, path, page);
  return url?.endsWith(`/${path}`) ? url.slice(0, -path.length) : undefined;
}
