import { cp, mkdir, readFile, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FIXTURES, tempDir, VITE_NAMES, VITES } from './helpers/builders.js';

const PACKAGE = join(import.meta.dirname, '..');

// A project without "type": "module" whose vite.config.js imports the plugin: Vite bundles the config
// to CommonJS and requires it, so the plugin must have a "require" entry (Vite 5.4 refuses an ESM
// one: '"@skewless/vite" resolved to an ESM file. ESM file cannot be loaded by require').
// Runs the built package (dist), the way a user's project loads it.
describe.each(VITE_NAMES)('%s loads a CommonJS vite.config.js', (name) => {
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await cleanup?.();
    cleanup = undefined;
  });

  it('builds through the real config loader with the plugin active', async () => {
    const temp = await tempDir('skewless-cjs-');
    cleanup = temp.cleanup;
    const root = join(temp.dir, 'app');
    await cp(join(FIXTURES, 'cjs-config'), root, { recursive: true });
    await mkdir(join(root, 'node_modules', '@skewless'), { recursive: true });
    await symlink(PACKAGE, join(root, 'node_modules', '@skewless', 'vite'), 'dir');

    await VITES[name]!.build({ root, configFile: join(root, 'vite.config.js') });

    const html = await readFile(join(root, 'dist', 'index.html'), 'utf8');
    expect(html).toMatch(/<meta name="skewless-release"/);
    const manifest = JSON.parse(await readFile(join(root, 'dist', '.skewless', 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.files ?? manifest)).not.toHaveLength(0);
  }, 60_000);
});
