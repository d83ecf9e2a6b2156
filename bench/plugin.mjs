// Benchmark: what @skewless/vite adds to `vite build` (naming, manifest with SHA-256 of every file,
// release stamp, guard), on a generated app with many lazy routes. Best of 5 each way, interleaved.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import skewless from '@skewless/vite';
import { build } from 'vite';
import { measure } from './measure.mjs';

export async function benchPlugin({ routes = 300 } = {}) {
  const root = await mkdtemp(join(tmpdir(), 'skewless-bench-plugin-'));
  try {
    await mkdir(join(root, 'src'));
    const imports = [];
    for (let i = 0; i < routes; i++) {
      await writeFile(
        join(root, 'src', `route${i}.js`),
        `export const render = () => 'route ${i} ' + ${i} * 2;\n`,
      );
      await writeFile(
        join(root, 'src', `route${i}.css`),
        `.r${i} { color: #${(i * 4099).toString(16).padStart(6, '0').slice(0, 6)}; }\n`,
      );
      imports.push(`  ${i}: () => Promise.all([import('./route${i}.js'), import('./route${i}.css')]),`);
    }
    await writeFile(
      join(root, 'src', 'main.js'),
      `const routes = {\n${imports.join('\n')}\n};\nexport default routes;\n`,
    );
    await writeFile(
      join(root, 'index.html'),
      '<!doctype html><script type="module" src="/src/main.js"></script>',
    );
    const run = (plugins) =>
      build({
        root,
        configFile: false,
        logLevel: 'silent',
        plugins,
        build: { outDir: join(root, 'dist'), emptyOutDir: true },
      });
    // One warm-up build, then the two kinds interleaved, so JIT warm-up and disk cache favour neither.
    await run([]);
    const plainRuns = [];
    const pluginRuns = [];
    for (let i = 0; i < 5; i++) {
      plainRuns.push(await measure(() => run([])));
      pluginRuns.push(await measure(() => run([skewless()])));
    }
    const fastest = (runs) => runs.reduce((a, b) => (a.ms < b.ms ? a : b));
    const plain = fastest(plainRuns);
    const withPlugin = fastest(pluginRuns);
    const delta = withPlugin.ms - plain.ms;
    return [
      {
        name: `vite 7 build, ${routes} lazy routes (JS + CSS), without Skewless (best of 5)`,
        ms: plain.ms,
        rate: '',
        heapMiB: plain.heapMiB,
      },
      {
        name: `the same with @skewless/vite (best of 5)`,
        ms: withPlugin.ms,
        rate: `${delta >= 0 ? '+' : '-'}${Math.abs(delta)} ms (${Math.round((delta / plain.ms) * 100)} %)`,
        heapMiB: withPlugin.heapMiB,
      },
    ];
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
