import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A temporary build directory made from a map of path → content. */
export async function makeBuildDir(files: Record<string, string | Buffer>): Promise<{
  dir: string;
  write: (path: string, body: string | Buffer) => Promise<void>;
  remove: () => Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'skewless-build-'));
  const write = async (path: string, body: string | Buffer) => {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), body);
  };
  for (const [path, body] of Object.entries(files)) await write(path, body);
  return { dir, write, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A small Vite-like build: hashed JS/CSS/SVG, a public file, a source map and the HTML that links them. */
export const VITE_LIKE: Record<string, string> = {
  'index.html':
    '<!doctype html><html><head><script type="module" src="/assets/index-1a2b3c4d.js"></script><link rel="stylesheet" href="/assets/index-0a1b2c3d.css"></head><body><img src="/assets/logo-5e6f7a8b.svg"></body></html>',
  'assets/index-1a2b3c4d.js': 'import("./lazy-9a8b7c6d.js");\n//# sourceMappingURL=index-1a2b3c4d.js.map\n',
  'assets/index-1a2b3c4d.js.map': '{"version":3,"sources":[],"mappings":""}',
  'assets/lazy-9a8b7c6d.js': 'export const lazy = 1;\n',
  'assets/index-0a1b2c3d.css': 'body{color:#123}\n',
  'assets/logo-5e6f7a8b.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>',
  'robots.txt': 'User-agent: *\n',
};
