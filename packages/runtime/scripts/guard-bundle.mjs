// Builds the inline guard (src/guard-source.ts and what it imports) into one minified string: an esbuild
// IIFE bundle (it resolves the imports and keeps only what the guard uses, and the IIFE keeps every name
// out of the page's global scope, which an inline classic script's top level is), then terser.
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { minify } from 'terser';

/** The placeholder renderGuard() replaces with the release URL literal. */
export const URL_TOKEN = '__SKEWLESS_RELEASE_URL__';

/** The placeholder renderGuard() replaces with the URL literal of the build's assets folder. */
export const ASSETS_TOKEN = '__SKEWLESS_ASSETS_URL__';

/**
 * @param {{ framework?: boolean }} [options] `framework`: the variant for a framework's pages, which also
 *   answers for the framework's inline loaders (src/guard-source.ts)
 * @returns {Promise<string>} the guard as an expression statement, with URL_TOKEN for its release URL
 */
export async function bundleGuard({ framework = false } = {}) {
  const bundled = await build({
    stdin: {
      // URL_TOKEN is left an undeclared name: the bundler keeps it, the minifier cannot rename it.
      contents: `import { guard } from './guard-source.ts';\nguard(${URL_TOKEN}, ${ASSETS_TOKEN});\n`,
      resolveDir: fileURLToPath(new URL('../src/', import.meta.url)),
      sourcefile: 'guard-entry.ts',
      loader: 'ts',
    },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2021',
    write: false,
    legalComments: 'none',
    define: { __SKEWLESS_FRAMEWORK_PAGES__: String(framework) },
    logLevel: 'silent',
  });
  const result = await minify(bundled.outputFiles[0].text, {
    ecma: 2020,
    module: false,
    toplevel: true,
    compress: { passes: 3, unsafe: true, unsafe_arrows: true, booleans_as_integers: true },
    mangle: { toplevel: true },
  });
  if (
    !result.code ||
    /<\/script|<!--/i.test(result.code) ||
    !result.code.includes(URL_TOKEN) ||
    !result.code.includes(ASSETS_TOKEN)
  ) {
    throw new Error('[skewless] the inline guard did not build; check src/guard-source.ts and its imports.');
  }
  return result.code;
}
