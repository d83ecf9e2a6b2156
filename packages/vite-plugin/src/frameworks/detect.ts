import { SkewlessError } from '@skewless/core';

/**
 * A framework on Vite that writes the folder it deploys after the client build's last hook: the
 * client bundle Skewless sees is only part of what goes live (no HTML, or HTML written later), so the
 * plugin records the client build and writes the manifest over the deployed folder once the framework
 * has finished it, from the closing hook of the framework's server build.
 */
export interface Framework {
  name: string;
  /**
   * The folder the framework deploys, relative to the project root; undefined when it is the client
   * build's own outDir (React Router framework mode writes its HTML into build/client).
   */
  deployDir: string | undefined;
  /**
   * Whether the framework names its files itself (SvelteKit: `_app/immutable/…/name.<hash>.js`), so
   * forcing `[name]-[hash]` could break its own lookups; those files are immutable by folder instead.
   */
  ownsNames: boolean;
  /**
   * Whether the framework's integration describes the deployed folder after every Vite build (Astro
   * generates its pages after them, so no Vite hook runs late enough): the plugin then only records the
   * client build and never joins the server build.
   */
  finishedByIntegration?: boolean;
  /**
   * The absolute path the deployed site is served under, when the framework keeps it out of Vite's
   * `base` (SvelteKit builds with `base: './'` and its own `paths.base`): the release file and the
   * guard's folder of build files are under it. Ends with `/`.
   */
  siteBase?: (config: { define?: Record<string, unknown> }) => string | undefined;
  /**
   * Where the framework's own files are served from when that is not under the site base (SvelteKit's
   * `paths.assets`, an absolute URL of another origin). Ends with `/`.
   */
  assetsBase?: (config: { define?: Record<string, unknown> }) => string | undefined;
}

/** A framework Skewless cannot describe yet: the build fails with what to do instead. */
export interface UnsupportedFramework {
  name: string;
  /** The folder the framework deploys by default, for the message. */
  folder: string;
  /** Why the client bundle Skewless sees is not what the framework deploys. */
  why: string;
  /** What to do instead, when Skewless has another entry for this framework. */
  instead?: string;
}

/** A path SvelteKit defines for its runtime (a JSON string, '' for none), with a trailing `/`. */
function definedPath(given: unknown): string | undefined {
  if (typeof given !== 'string') return undefined;
  const path = JSON.parse(given) as unknown;
  return typeof path === 'string' ? `${path}/` : undefined;
}

type Known = ({ supported: Framework } | { unsupported: UnsupportedFramework }) & {
  plugin: (name: string) => boolean;
};

const FRAMEWORKS: readonly Known[] = [
  {
    supported: {
      name: 'SvelteKit',
      deployDir: 'build',
      ownsNames: true,
      // Its plugin defines `paths.base` for its runtime (as a JSON string, '' for the root); the pages
      // link relatively and compute the base in the browser, so nothing else in the build names it.
      siteBase: ({ define }) => definedPath(define?.__SVELTEKIT_PATHS_BASE__),
      // `paths.assets` ('' unless the files are served from another origin).
      assetsBase: ({ define }) => {
        const assets = definedPath(define?.__SVELTEKIT_PATHS_ASSETS__);
        return assets === '/' ? undefined : assets;
      },
    },
    plugin: (name) => name.startsWith('vite-plugin-sveltekit'),
  },
  {
    supported: { name: 'React Router framework mode', deployDir: undefined, ownsNames: false },
    plugin: (name) => name === 'react-router' || name.startsWith('react-router:'),
  },
  {
    unsupported: {
      name: 'Astro',
      folder: 'dist',
      why: 'its pages are generated after the Vite builds, and the server build writes temporary server modules into the same folder',
      instead:
        "Remove skewless() from Astro's vite.plugins and add the integration instead: import { skewlessAstro } from '@skewless/vite/astro', then integrations: [skewlessAstro({ ...the same options })] in astro.config.",
    },
    plugin: (name) => name.startsWith('astro:'),
  },
];

function known(plugins: readonly { name?: string }[] | undefined): Known | undefined {
  const names = (plugins ?? []).map((p) => p?.name ?? '');
  return FRAMEWORKS.find((f) => names.some(f.plugin));
}

/** The framework whose Vite plugins are in the config and whose deployed folder Skewless describes. */
export function detectFramework(plugins: readonly { name?: string }[] | undefined): Framework | undefined {
  const found = known(plugins);
  return found && 'supported' in found ? found.supported : undefined;
}

/** The framework whose Vite plugins are in the config, when Skewless cannot describe its output yet. */
export function unsupportedFramework(
  plugins: readonly { name?: string }[] | undefined,
): UnsupportedFramework | undefined {
  const found = known(plugins);
  return found && 'unsupported' in found ? found.unsupported : undefined;
}

/**
 * The build error for such a framework: a manifest written from the client bundle would describe the
 * wrong files (no HTML, or server code), so none is written at all.
 */
export function unsupportedFrameworkError(framework: UnsupportedFramework): SkewlessError {
  const instead =
    framework.instead ??
    `Remove skewless() from the Vite config and run 'skewless upload ${framework.folder} --to <target> --html' on the folder the framework deploys: without a manifest, files are classed by their names (HTML and control files no-cache, everything else revalidated).`;
  const what = framework.instead ? 'as a Vite plugin' : 'yet';
  return new SkewlessError(
    'INVALID_OPTIONS',
    `[skewless] @skewless/vite cannot describe the build of ${framework.name} ${what}: ${framework.why}, so a manifest written from the client bundle would list the wrong files. ${instead}`,
  );
}

/** Astro, as its integration (`@skewless/vite/astro`) runs the plugin; the folder is known at build:done. */
export function astroFramework(deployDir: string | undefined): Framework {
  return { name: 'Astro', deployDir, ownsNames: true, finishedByIntegration: true };
}
