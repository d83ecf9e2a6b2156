import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import { unsupportedFramework } from '../src/frameworks/detect.js';
import { FIXTURES } from './helpers/builders.js';

const run = promisify(execFile);

// Each fixture is a real app of its framework, installed from npm, with skewless() in its Vite config,
// built by the framework's own command.
const CASES = [
  { fixture: 'sveltekit', bin: 'vite', name: 'SvelteKit', out: 'build' },
  { fixture: 'react-router', bin: 'react-router', name: 'React Router framework mode', out: 'build' },
  { fixture: 'astro', bin: 'astro', name: 'Astro', out: 'dist' },
];

describe.each(CASES)('$fixture with skewless() in its Vite config', ({ fixture, bin, name, out }) => {
  test('fails the build before anything is written, and says what to do instead', async () => {
    const cwd = join(FIXTURES, fixture);
    await rm(join(cwd, out), { recursive: true, force: true });
    const result = await run(join(cwd, 'node_modules', '.bin', bin), ['build'], {
      cwd,
      env: { ...process.env, NO_COLOR: '1' },
    }).then(
      () => undefined,
      (error: { code?: number; stdout: string; stderr: string }) => error,
    );
    expect(result, 'the build must fail').toBeDefined();
    expect(result!.code).not.toBe(0);
    const output = `${result!.stdout}\n${result!.stderr}`;
    expect(output).toContain(`cannot describe the build of ${name} yet`);
    expect(output).toContain("Remove skewless() from the Vite config and run 'skewless upload");
    // No manifest over the wrong files, in the deployed folder or anywhere below it.
    expect(existsSync(join(cwd, out, '.skewless', 'manifest.json'))).toBe(false);
    expect(existsSync(join(cwd, out, 'client', '.skewless', 'manifest.json'))).toBe(false);
  });
});

describe('unsupportedFramework', () => {
  test('knows the frameworks by their Vite plugins, and leaves plain Vite apps alone', () => {
    expect(unsupportedFramework([{ name: 'vite:vue' }, { name: 'skewless:build' }])).toBeUndefined();
    expect(unsupportedFramework([{ name: 'vite:react-babel' }])).toBeUndefined();
    expect(unsupportedFramework([{ name: 'vite-plugin-sveltekit-compile' }])?.name).toBe('SvelteKit');
    expect(unsupportedFramework([{ name: 'react-router' }])?.folder).toBe('build/client');
    expect(unsupportedFramework([{ name: 'astro:build' }])?.name).toBe('Astro');
  });
});
