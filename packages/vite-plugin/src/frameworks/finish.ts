import { readFile, stat, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import type { FileFacts, HashFormat, Logger } from '@skewless/core';
import {
  detectHashFormat,
  finalizeBuild,
  MANIFEST_PATH,
  RELEASE_META,
  SkewlessError,
  sha256File,
  walkFiles,
} from '@skewless/core';
import { externalGuardTag, guardCode, guardFileName, inlineGuardTag, isAbsoluteBase } from '../guard.js';
import type { HtmlTag } from '../html.js';
import { charsetFirst, escapeAttr, releaseMetaTag } from '../html.js';
import { finishingSteps, type Uploader } from '../run-upload.js';
import type { ResolvedOptions } from '../validate-options.js';
import type { Framework } from './detect.js';
import type { ClientBuild } from './handoff.js';

export interface FinishFrameworkOptions {
  framework: Framework;
  root: string;
  /** The client build the framework's server build follows. */
  client: ClientBuild;
  /** The base of the build that closes (the server build's is absolute where the client's is `./`). */
  base: string;
  /** Where the framework's files are served from when not under `base` (SvelteKit's `paths.assets`). */
  assetsBase?: string;
  options: ResolvedOptions;
  uploader: Uploader | undefined;
  logger: Logger;
}

/**
 * Describe the folder a framework deploys, once the framework has written it: check that it holds the
 * client build's files as built, put the release meta tag and the guard into every HTML page (the
 * framework renders its pages itself, so Vite's HTML hooks never saw them), then write the manifest
 * over the whole folder and upload it, as a plain Vite build does at its end.
 */
export async function finishFramework(o: FinishFrameworkOptions): Promise<void> {
  const { framework, client, options, logger } = o;
  const dir = resolve(o.root, options.deployDir ?? framework.deployDir ?? client.dir);
  const shown = relative(o.root, dir) || '.';
  const paths = await deployedPaths(dir, framework, shown);
  await checkClientFiles(dir, client, framework, shown);

  // The framework picked its names; the manifest says which format most of them carry.
  const hash: HashFormat = framework.ownsNames ? detectHashFormat(paths) : options.hash;
  // Astro's `base` has no trailing slash unless written with one ('/docs'); Vite's always has.
  const given = isAbsoluteBase(o.base) ? o.base : client.base;
  const base = given.endsWith('/') ? given : `${given}/`;

  // A framework that owns its names hashes by folder: everything in it is immutable whatever its name
  // shape, including a renamed appDir's; the rest goes by name. Its version file sits beside that
  // folder (SvelteKit's `<appDir>/version.json`), a document whatever the appDir is called.
  const immutable = framework.ownsNames ? immutableFolder(client) : undefined;
  // The folder of the framework's own hashed files: what the guard answers for, where an external guard goes.
  const assetsDir = immutable ?? client.assetsDir;
  const facts: FileFacts[] = client.files.map(({ sha256: _, hashed, ...fact }) =>
    framework.ownsNames
      ? immutable && fact.path.startsWith(`${immutable}/`)
        ? { ...fact, hashed: true }
        : fact
      : { ...fact, hashed },
  );
  const appDir = immutable?.slice(0, -'/immutable'.length);
  const versionFile = appDir && paths.includes(`${appDir}/version.json`) ? [`${appDir}/version.json`] : [];
  const guard = await guardTags(dir, base, assetsDir, hash, options, o.assetsBase);
  if (guard.file) facts.push({ path: guard.file, hashed: true });
  const pages = paths.filter((p) => /\.html?$/i.test(p));
  for (const page of pages) await injectTags(join(dir, page), [releaseMetaTag(), ...guard.tags]);
  logger.info(
    `[skewless] ${framework.name}: describing ${shown}/ as deployed (${paths.length} files, ${pages.length} HTML ${pages.length === 1 ? 'page' : 'pages'} given the release meta tag${guard.tags.length > 0 ? ' and the guard' : ''}).`,
  );

  await finalizeBuild({
    dir,
    root: o.root,
    facts,
    base,
    ...(o.assetsBase ? { assetsBase: o.assetsBase } : {}),
    assetsDir,
    hash,
    publicSourceMaps: options.publicSourceMaps,
    unhashed: [...(options.unhashed ?? []), ...versionFile],
    cacheControl: options.cacheControl,
    ...finishingSteps(options, o.uploader, undefined, dir, logger),
  });
}

async function deployedPaths(dir: string, framework: Framework, shown: string): Promise<string[]> {
  const isDir = await stat(dir).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDir) throw wrongFolder(framework, `'${shown}' does not exist after the build`);
  return (await walkFiles(dir, [MANIFEST_PATH])).filter((p) => p !== MANIFEST_PATH);
}

/**
 * The deployed folder must hold every file of the client build with the bytes the bundler wrote:
 * otherwise it is not the framework's output (another adapter's folder), or a step after the build
 * changed files the manifest would describe by their bundle facts. Vite's own `.vite/` manifests are
 * build metadata that frameworks leave out.
 */
async function checkClientFiles(
  dir: string,
  client: ClientBuild,
  framework: Framework,
  shown: string,
): Promise<void> {
  const missing: string[] = [];
  const changed: string[] = [];
  for (const file of client.files) {
    if (file.path.startsWith('.vite/')) continue;
    const digest = await sha256File(join(dir, file.path)).catch(() => undefined);
    if (!digest) missing.push(file.path);
    else if (digest.hex !== file.sha256) changed.push(file.path);
  }
  if (missing.length > 0)
    throw wrongFolder(
      framework,
      `'${shown}' lacks ${missing.length} of the client build's ${client.files.length} files (${list(missing)})`,
    );
  if (changed.length > 0)
    throw new SkewlessError(
      'INVALID_OPTIONS',
      `[skewless] ${framework.name}: ${list(changed)} in '${shown}' ${changed.length === 1 ? 'differs' : 'differ'} from what the client build wrote, so the manifest would describe other bytes than the bundle's. Make the step that changes ${changed.length === 1 ? 'it' : 'them'} part of the Vite build, or run it before 'vite build'.`,
    );
}

function wrongFolder(framework: Framework, what: string): SkewlessError {
  return new SkewlessError(
    'INVALID_OPTIONS',
    `[skewless] ${framework.name}: ${what}, so it is not the folder the framework deploys. Set skewless({ deployDir: '<the folder your adapter writes>' }), relative to the project root.`,
  );
}

function list(paths: string[]): string {
  const shown = paths.slice(0, 5).join(', ');
  return paths.length > 5 ? `${shown} and ${paths.length - 5} more` : shown;
}

/** SvelteKit's `<appDir>/immutable` folder, read from the client files (appDir is configurable). */
function immutableFolder(client: ClientBuild): string | undefined {
  for (const file of client.files) {
    const match = /^((?:[^/]+\/)*?[^/]+\/immutable)\//.exec(file.path);
    if (match) return match[1];
  }
  return undefined;
}

/** The guard's tags for every page, and the external guard's file when it is written into the folder. */
async function guardTags(
  dir: string,
  base: string,
  assetsDir: string,
  hash: HashFormat,
  options: ResolvedOptions,
  assetsBase = base,
): Promise<{ tags: HtmlTag[]; file?: string }> {
  if (!options.guard) return { tags: [] };
  // The framework's entry loads from an inline script (React Router's inline module, SvelteKit's inline
  // import(), Astro's island loader), which the general guard cannot tell from a third party's.
  const code = await guardCode(base, assetsDir, options.releaseFile, true, assetsBase);
  if (options.guard.mode !== 'external') return { tags: [inlineGuardTag(code, options.guard.nonce)] };
  const file = guardFileName(code, assetsDir, hash);
  await writeFile(join(dir, file), code);
  return { tags: [externalGuardTag(`${base}${file}`, options.guard.nonce)], file };
}

/**
 * Put the tags first in the page's `<head>`, after its `<meta charset>`; a page that already carries the
 * release meta tag (rendered through Vite's HTML hooks) is left as it is.
 */
export async function injectTags(path: string, tags: HtmlTag[]): Promise<void> {
  const html = await readFile(path, 'utf8');
  const changed = withTags(html, tags);
  if (changed !== html) await writeFile(path, changed);
}

const STAMPED = new RegExp(`<meta[^>]+name=["']?${RELEASE_META}["'\\s>]`, 'i');

export function withTags(html: string, tags: HtmlTag[]): string {
  if (STAMPED.test(html)) return html;
  const charset = charsetFirst(html);
  const head = /<head[^>]*>/i.exec(charset.html);
  if (!head) return html;
  const at = head.index + head[0].length;
  const markup = [...charset.tags, ...tags].map(renderTag).join('');
  return charset.html.slice(0, at) + markup + charset.html.slice(at);
}

const VOID = new Set(['meta', 'link', 'base']);

function renderTag(tag: HtmlTag): string {
  const attrs = Object.entries(tag.attrs ?? {})
    .filter(([, value]) => value !== undefined && value !== false)
    .map(([name, value]) => (value === true ? ` ${name}` : ` ${name}="${escapeAttr(String(value))}"`))
    .join('');
  if (VOID.has(tag.tag)) return `<${tag.tag}${attrs}>`;
  return `<${tag.tag}${attrs}>${tag.children ?? ''}</${tag.tag}>`;
}
