// Builds the inline guard (src/guard-source.ts and the constants it uses) into one minified string.
// The files are concatenated rather than bundled: they hold only top-level constants and functions, so
// dropping their import lines and `export` keywords leaves one valid script (see src/guard-source.ts).
import { readFile } from 'node:fs/promises';
import { minify } from 'terser';
import ts from 'typescript';

const FILES = ['constants.ts', 'guard-source.ts'];

/** The placeholder renderGuard() replaces with the release URL literal. */
export const URL_TOKEN = '__SKEWLESS_RELEASE_URL__';

/** @returns {Promise<string>} the guard as an expression statement, with URL_TOKEN for its release URL */
export async function bundleGuard() {
  const parts = await Promise.all(
    FILES.map(async (file) => {
      const source = await readFile(new URL(`../src/${file}`, import.meta.url), 'utf8');
      const { outputText } = ts.transpileModule(source, {
        compilerOptions: { target: ts.ScriptTarget.ES2021, module: ts.ModuleKind.ESNext },
      });
      return outputText.replace(/^import[\s\S]*?from\s+['"][^'"]+['"];?\s*$/gm, '').replace(/^export /gm, '');
    }),
  );
  // The IIFE keeps every name out of the page's global scope (an inline classic script's top level is global).
  const code = `(() => {\n${parts.join('\n')}\nguard(${URL_TOKEN});\n})();`;
  const result = await minify(code, {
    ecma: 2020,
    module: false,
    toplevel: true,
    compress: { passes: 3, unsafe: true, unsafe_arrows: true, booleans_as_integers: true },
    mangle: { toplevel: true },
  });
  if (!result.code || /<\/script|<!--/i.test(result.code) || !result.code.includes(URL_TOKEN)) {
    throw new Error('[skewless] the inline guard did not build; check src/guard-source.ts and its imports.');
  }
  return result.code;
}
