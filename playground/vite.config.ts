import { fileURLToPath } from 'node:url';
import skewless from '@skewless/vite';
import { defineConfig, type Plugin, type UserConfig } from 'vite';

/**
 * The playground builds in three ways (SKEWLESS_PLAYGROUND_MODE), so the simulation can compare them
 * on the same app source:
 * - `skewless` (default): @skewless/vite and @skewless/runtime, as a user sets them up;
 * - `plain`: Vite's defaults, no Skewless at all (the control);
 * - `query`: stable names versioned with `?v=<release>` (seeds 001/003), no Skewless.
 * SKEWLESS_PLAYGROUND_VERSION sets the visible release ("1", "2"); SKEWLESS_PLAYGROUND_OUT_DIR the
 * output directory, so v1 and v2 can be built side by side.
 */
const version = process.env.SKEWLESS_PLAYGROUND_VERSION ?? '1';
const mode = process.env.SKEWLESS_PLAYGROUND_MODE ?? 'skewless';
const outDir = process.env.SKEWLESS_PLAYGROUND_OUT_DIR ?? 'dist';

const noRuntime = fileURLToPath(new URL('./src/no-runtime.ts', import.meta.url));

/** The versioning the seeds describe: `app.js?v=2`, the name itself never changes. */
function queryStringVersioning(release: string): Plugin {
  return {
    name: 'playground:query-string-versioning',
    transformIndexHtml: (html) => html.replace(/((?:src|href)="\/assets\/[^"?]+)"/g, `$1?v=${release}"`),
  };
}

/** @skewless/vite as a user sets it up; with SKEWLESS_UPLOAD_TO it also uploads the assets. */
function skewlessPlugin(): Plugin {
  const to = process.env.SKEWLESS_UPLOAD_TO;
  const upload = to
    ? { to, endpoint: process.env.SKEWLESS_S3_ENDPOINT, forcePathStyle: true, html: false }
    : undefined;
  return skewless({ upload }) as Plugin;
}

export default defineConfig((): UserConfig => {
  const config: UserConfig = {
    define: { __PLAYGROUND_VERSION__: JSON.stringify(version) },
    build: {
      outDir,
      emptyOutDir: true,
      // Keep the image a file of its own: a small SVG would otherwise be inlined as a data: URL.
      assetsInlineLimit: 0,
    },
  };
  if (mode === 'skewless') {
    config.plugins = [skewlessPlugin()];
    return config;
  }
  config.resolve = { alias: { '@skewless/runtime': noRuntime } };
  if (mode === 'query') {
    config.plugins = [queryStringVersioning(version)];
    config.build!.rollupOptions = {
      output: {
        entryFileNames: 'assets/[name].js',
        chunkFileNames: 'assets/[name].js',
        assetFileNames: 'assets/[name][extname]',
      },
    };
  }
  return config;
});
