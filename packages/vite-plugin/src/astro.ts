import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '@skewless/core';
import type { Plugin } from 'vite';
import { astroFramework } from './frameworks/detect.js';
import { finishFramework } from './frameworks/finish.js';
import { takeClientBuild } from './frameworks/handoff.js';
import { loadGuard } from './guard.js';
import { frameworkPlugin } from './plugin.js';
import { loadUploader, type Uploader } from './run-upload.js';
import type { SkewlessOptions } from './types.js';
import { validateOptions } from './validate-options.js';

/** The parts of Astro's integration API the integration uses (typed here: astro is not a dependency). */
interface AstroConfigLike {
  root: URL;
  base: string;
  build: { assets: string };
  /** 'static' (the default), or 'server' with an adapter: pages rendered on request. */
  output?: string;
}

/** An Astro integration, as `integrations: [...]` in astro.config takes it. */
export interface SkewlessAstroIntegration {
  name: string;
  hooks: {
    'astro:config:setup': (params: {
      config: AstroConfigLike;
      updateConfig: (config: { vite: { plugins: Plugin[] } }) => unknown;
    }) => Promise<void>;
    'astro:build:done': (params: { dir: URL; logger: Logger }) => Promise<void>;
  };
}

/**
 * Skewless for Astro: the Vite plugin records the client build (Astro names its `_astro/` files itself,
 * so they are immutable by folder), and once Astro has generated its pages and removed its temporary
 * server modules, `astro:build:done` writes the manifest over the deployed folder, stamps and guards
 * every page, and uploads. Astro's pages exist only after the Vite builds, so no Vite hook can do this.
 */
export function skewlessAstro(userOptions: SkewlessOptions = {}): SkewlessAstroIntegration {
  // Validated here too, so bad options fail when astro.config loads, before any build.
  const options = validateOptions(userOptions);
  let config: AstroConfigLike | undefined;
  // Loaded as astro.config is evaluated: Astro may run the config's modules in a Vite module runner
  // that it closes before any integration hook runs, and an import from there would fail later.
  // A missing engine or guard still fails in astro:config:setup, before any build.
  const loading = Promise.all([
    options.guard ? loadGuard() : undefined,
    options.upload ? loadUploader() : undefined,
  ]);
  // Reported in astro:config:setup, not as an unhandled rejection before it.
  loading.catch(() => {});
  let uploader: Uploader | undefined;
  return {
    name: '@skewless/vite/astro',
    hooks: {
      'astro:config:setup': async (params) => {
        config = params.config;
        uploader = (await loading)[1];
        // The plugin only records the client build; the upload is this integration's, at the end.
        const plugin = frameworkPlugin({ ...userOptions, upload: undefined }, astroFramework(undefined));
        params.updateConfig({ vite: { plugins: [plugin] } });
      },
      'astro:build:done': async ({ dir, logger }) => {
        if (!config) return;
        const root = resolve(fileURLToPath(config.root));
        const deployed = resolve(fileURLToPath(dir));
        // A site without client scripts has no client build: its pages and public files are still described.
        const client = takeClientBuild(root) ?? {
          dir: deployed,
          files: [],
          base: config.base,
          assetsDir: config.build.assets,
          failed: false,
        };
        if (client.failed) return;
        if (config.output === 'server')
          logger.warn(
            `[skewless] Astro: output 'server' renders pages on request, in your server, so only prerendered pages (export const prerender = true) in ${relative(root, deployed) || '.'}/ get the release meta tag and the guard; the files are described and uploaded as usual. Pages your server renders carry neither.`,
          );
        await finishFramework({
          framework: astroFramework(relative(root, deployed) || '.'),
          root,
          client,
          base: config.base,
          options,
          uploader,
          logger,
        });
      },
    },
  };
}

export default skewlessAstro;
