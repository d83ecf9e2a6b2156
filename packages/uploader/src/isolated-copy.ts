import { existsSync, readFileSync } from 'node:fs';
import { copyFile, cp, lstat, mkdir, readdir, stat, symlink } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/** A copy of a project, placed so that everything it resolves through its ancestors still resolves. */
export interface IsolatedCopy {
  /** The top of the mirrored tree in the temp folder (stands for {@link realTop}). */
  top: string;
  /** The real folder {@link top} mirrors: the topmost ancestor with a node_modules or a workspace marker. */
  realTop: string;
  /** The project's copy, at the same path below {@link top} as the project below {@link realTop}. */
  root: string;
  /** Where a real path lands in the copy (unchanged when outside {@link realTop}). */
  map: (path: string) => string;
}

// node_modules entries left out of the copy's node_modules: caches a build writes. They are made
// again inside the copy, so a build never writes into the real node_modules through a link.
const CACHES = new Set(['.vite', '.vite-temp', '.cache']);

// An ancestor's files are configs (tsconfig.base.json, postcss, .browserslistrc, .npmrc); a stray
// node_modules in a home folder must not copy that folder's big files.
const MAX_ANCESTOR_FILE = 1024 * 1024;

/**
 * Copy the project `root` into `dest` so a build there writes nothing into the real project.
 *
 * Node, Vite and TypeScript resolve through the project's ancestors: hoisted packages in a workspace
 * root's node_modules, `extends: '../../tsconfig.base.json'`, a postcss or browserslist config, an
 * alias to a sibling package's sources. So the copy keeps the project's place: from the topmost
 * ancestor that has a node_modules or a workspace marker (pnpm-workspace.yaml, a package.json with
 * `workspaces`) down, the same path is made below `dest`. The project folder is copied whole (without
 * node_modules and .git, with timestamps). Each ancestor level gets copies of its small top-level
 * files and links to its other subfolders: their sources resolve, but a build that writes into a
 * folder beside the project writes into the real one. Every node_modules becomes a folder of links to
 * the real entries, so caches a build makes there (node_modules/.vite) land in the copy.
 */
export async function isolatedCopy(root: string, dest: string): Promise<IsolatedCopy> {
  const realTop = topOf(root);
  const top = join(dest, 'tree');
  const copyRoot = join(top, relative(realTop, root));
  const map = (path: string): string => {
    const rel = relative(realTop, resolve(path));
    return isInside(rel) ? join(top, rel) : path;
  };
  // Each ancestor from the top down to the project's parent.
  const levels: string[] = [];
  for (let dir = dirname(root); ; dir = dirname(dir)) {
    if (!isInside(relative(realTop, dir))) break;
    levels.unshift(dir);
    if (dir === realTop || dirname(dir) === dir) break;
  }
  for (const level of levels) {
    const next = relative(level, root).split(sep)[0];
    const into = join(top, relative(realTop, level));
    await mkdir(into, { recursive: true });
    for (const entry of await readdir(level, { withFileTypes: true })) {
      const from = join(level, entry.name);
      const to = join(into, entry.name);
      if (entry.name === next || entry.name === '.git') continue;
      if (entry.name === 'node_modules') await linkEntries(from, to);
      else if (entry.isFile()) {
        if ((await stat(from)).size <= MAX_ANCESTOR_FILE) await copyFile(from, to);
      } else if (await isDirectory(from)) await symlink(from, to, 'junction');
    }
  }
  const modules: string[] = [];
  await cp(root, copyRoot, {
    recursive: true,
    preserveTimestamps: true,
    // A link inside the project stays a link to the same place inside the copy.
    verbatimSymlinks: true,
    filter: (source) => {
      const name = basename(source);
      if (name === 'node_modules') modules.push(source);
      return name !== 'node_modules' && name !== '.git';
    },
  });
  for (const dir of modules) await linkEntries(dir, join(copyRoot, relative(root, dir)));
  return { top, realTop, root: copyRoot, map };
}

/** Whether a path relative to a folder (as `relative` gives it) is that folder or below it. */
function isInside(rel: string): boolean {
  return rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

/** A folder at `to` holding a link to each entry of the folder `from`, caches left out. */
async function linkEntries(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const entry of await readdir(from)) {
    if (CACHES.has(entry)) continue;
    const target = join(from, entry);
    await symlink(target, join(to, entry), (await isDirectory(target)) ? 'junction' : 'file');
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    // A dangling link: nothing to resolve through it.
    return (await lstat(path)).isDirectory();
  }
}

/** The topmost folder from `root` up that has a node_modules or marks a workspace; `root` if none. */
function topOf(root: string): string {
  let top = root;
  for (let dir = root; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'node_modules')) || isWorkspaceRoot(dir)) top = dir;
    if (dirname(dir) === dir) return top;
  }
}

function isWorkspaceRoot(dir: string): boolean {
  if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return true;
  const pkg = join(dir, 'package.json');
  if (!existsSync(pkg)) return false;
  try {
    return 'workspaces' in (JSON.parse(readFileSync(pkg, 'utf8')) as object);
  } catch {
    return false;
  }
}
