import { SkewlessError } from '@skewless/core';

/** A framework that writes its deployable folder after the client build's last hook. */
export interface UnsupportedFramework {
  name: string;
  /** The folder the framework deploys by default, for the message. */
  folder: string;
  /** Why the client bundle Skewless sees is not what the framework deploys. */
  why: string;
}

const FRAMEWORKS: readonly (UnsupportedFramework & { plugin: (name: string) => boolean })[] = [
  {
    name: 'SvelteKit',
    folder: 'build',
    why: 'its adapter writes the prerendered pages and the fallback page into the deployed folder after the client build ends',
    plugin: (name) => name.startsWith('vite-plugin-sveltekit'),
  },
  {
    name: 'React Router framework mode',
    folder: 'build/client',
    why: 'it writes index.html and its route manifest script after the client build ends',
    plugin: (name) => name === 'react-router' || name.startsWith('react-router:'),
  },
  {
    name: 'Astro',
    folder: 'dist',
    why: 'its pages are generated after the Vite builds, and the server build writes temporary server modules into the same folder',
    plugin: (name) => name.startsWith('astro:'),
  },
];

/** The framework whose Vite plugins are in the config, when Skewless cannot describe its output yet. */
export function unsupportedFramework(
  plugins: readonly { name?: string }[] | undefined,
): UnsupportedFramework | undefined {
  const names = (plugins ?? []).map((p) => p?.name ?? '');
  const found = FRAMEWORKS.find((f) => names.some(f.plugin));
  if (!found) return undefined;
  const { plugin: _, ...framework } = found;
  return framework;
}

/**
 * The build error for such a framework: a manifest written from the client bundle would describe the
 * wrong files (no HTML, or server code), so none is written at all.
 */
export function unsupportedFrameworkError(framework: UnsupportedFramework): SkewlessError {
  return new SkewlessError(
    'INVALID_OPTIONS',
    `[skewless] @skewless/vite cannot describe the build of ${framework.name} yet: ${framework.why}, so a manifest written from the client bundle would list the wrong files. Remove skewless() from the Vite config and run 'skewless upload ${framework.folder} --to <target> --html' on the folder the framework deploys: without a manifest, files are classed by their names (HTML and control files no-cache, everything else revalidated).`,
  );
}
