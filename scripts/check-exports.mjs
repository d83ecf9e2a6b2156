// After `pnpm build`: every export of every published package has its types and imports by its
// package name (resolved from the workspace member that depends on it, as a user would).
// Browser-only entries that install on import are checked for files only.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const consumerRequire = createRequire(join(root, 'e2e', 'package.json'));
const resolveFromConsumer = consumerRequire.resolve;
const resolveRequire = (id) => consumerRequire(id);
const BROWSER_ONLY = new Set(['@skewless/runtime', '@skewless/runtime/core', '@skewless/runtime/watch']);
const problems = [];
let checked = 0;

for (const dir of [
  'packages/core',
  'packages/origin',
  'packages/uploader',
  'packages/vite-plugin',
  'packages/runtime',
]) {
  const pkg = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    if (typeof target === 'string') continue;
    const id = subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`;
    // A dual entry nests { types, default } under "import" and "require"; each pair must exist.
    const pairs =
      target.import || target.require ? [target.import, target.require].filter(Boolean) : [target];
    for (const pair of pairs) {
      for (const file of [pair.types, pair.default]) {
        if (!existsSync(join(root, dir, file))) problems.push(`${id}: ${file} is missing (run pnpm build)`);
      }
    }
    if (BROWSER_ONLY.has(id)) continue;
    try {
      const mod = await import(pathToFileURL(resolveFromConsumer(id)).href);
      if (Object.keys(mod).length === 0) problems.push(`${id}: imports but exports nothing`);
    } catch (error) {
      problems.push(`${id}: does not import: ${error.message}`);
    }
    if (target.require) {
      try {
        const mod = resolveRequire(id);
        if (Object.keys(mod).length === 0) problems.push(`${id}: requires but exports nothing`);
      } catch (error) {
        problems.push(`${id}: does not require: ${error.message}`);
      }
    }
    checked++;
  }
}
if (problems.length > 0) {
  console.error(`[skewless] package exports:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`[skewless] package exports: ${checked} entries import, every export has its types`);
