import { resolve } from 'node:path';
import type { Logger, Manifest } from '@skewless/uploader';
import {
  compareWithPrevious,
  createManifest,
  DETERMINISM_ENV,
  hashSegmentSource,
  loadManifest,
  precompress,
  SkewlessError,
  writeManifest,
} from '@skewless/uploader';
import type { Plugin } from 'vite';
import type { BundleEntry } from './bundle-facts.js';
import { BundleFacts } from './bundle-facts.js';
import { externalGuardTag, guardCode, guardFileName, inlineGuardTag } from './guard.js';
import type { HtmlTag } from './html.js';
import { charsetFirst, releaseMetaTag } from './html.js';
import { cspNonceConflictMessage, unmatchedUnhashedMessage } from './messages.js';
import { checkNames } from './name-check.js';
import { applyNames, type SeenPatterns } from './names.js';
import { preloadPendingHooks } from './preload-pending.js';
import { runUpload } from './run-upload.js';
import type { SkewlessOptions } from './types.js';
import { validateOptions } from './validate-options.js';

/** The parts of a Rollup / Rolldown / Vite hook context the plugin uses. */
interface HookContext {
  environment?: { name?: string; config?: { consumer?: string } };
  info?: (message: string) => void;
  warn: (message: string) => void;
  error: (message: string) => never;
  debug?: (message: string) => void;
}

/**
 * Skewless for Vite 5–8 and Rollup 4: content-hashed names on every emitted file, one manifest of the
 * whole output directory (classes, headers, release id), determinism checks, and an optional upload.
 * Server (SSR) builds are left alone.
 */
export function skewless(userOptions: SkewlessOptions = {}): Plugin {
  const options = validateOptions(userOptions);
  const { hash } = options;
  let root = process.cwd();
  let base = '/';
  let assetsDir = options.assetsDir ?? '';
  let ssrBuild = false;
  let facts = new BundleFacts(root);
  let dirs = new Set<string>();
  let failed = false;
  let guardAsset: { fileName: string; code: string } | undefined;
  let viteLogger: { info(message: string): void } | undefined;
  // The name shape the CDN rules of `skewless cdn-config` match as immutable: `-<hash>.` before the extension.
  const cdnShape = new RegExp(`${hashSegmentSource(hash)}[^/]+$`);
  const seen: SeenPatterns = new Map();
  const nameSettings = { hash, unhashed: options.unhashed, cdnShape, seen };

  const info = (ctx: HookContext, message: string): void => {
    if (viteLogger) viteLogger.info(message);
    else ctx.info?.(message);
  };

  const isServer = (ctx: HookContext | undefined): boolean => {
    const env = ctx?.environment;
    // Vite 6+ names the environment; Vite 5 and Rollup only have the build-wide flag.
    if (env?.config?.consumer) return env.config.consumer === 'server';
    if (env?.name) return env.name !== 'client';
    return ssrBuild;
  };

  return {
    name: 'skewless:build',
    // Vite's dev server serves sources by their own names: nothing to name, record or upload.
    apply: 'build',
    // A failed import the runtime recovers by reloading stays pending instead of resolving to undefined.
    ...preloadPendingHooks(),

    // Vite 6+: never join a server environment's pipeline at all.
    applyToEnvironment(environment: { config?: { consumer?: string } }) {
      return environment.config?.consumer !== 'server';
    },

    configResolved(config) {
      root = config.root;
      base = config.base;
      assetsDir = config.build.assetsDir;
      ssrBuild = Boolean(config.build.ssr);
      // Vite's logger honours --logLevel and prints without a second "[plugin …]" prefix.
      viteLogger = config.logger;
      // Vite 5.3+ stamps html.cspNonce on every script and link tag without a nonce, the guard's included
      // (its own post hook, after ours), so that is the guard's default; a different guard.nonce would win.
      const cspNonce = (config as { html?: { cspNonce?: string } }).html?.cspNonce;
      const nonce = options.guard ? options.guard.nonce : undefined;
      if (nonce !== undefined && cspNonce !== undefined && nonce !== cspNonce)
        config.logger.warn(cspNonceConflictMessage(nonce, cspNonce));
    },

    buildStart() {
      facts = new BundleFacts(root);
      dirs = new Set();
      failed = false;
      guardAsset = undefined;
      seen.clear();
    },

    outputOptions(outputOptions) {
      if (isServer(this as unknown as HookContext)) return null;
      return applyNames(outputOptions as Record<string, unknown>, {
        hash,
        assetsDir,
        seen,
      }) as typeof outputOptions;
    },

    generateBundle(outputOptions, bundle) {
      const ctx = this as unknown as HookContext;
      if (isServer(ctx)) return;
      const problems: string[] = [];
      if (guardAsset) {
        // Named by us with its content hash, so it is immutable like the bundler's own files.
        const { fileName, code } = guardAsset;
        facts.add({ type: 'asset', fileName, source: code, name: 'skewless-guard.js' }, true);
        if (!(fileName in bundle)) this.emitFile({ type: 'asset', fileName, source: code });
      }
      const entries = Object.values(bundle) as BundleEntry[];
      const named = checkNames(entries, outputOptions as unknown as Record<string, unknown>, nameSettings);
      problems.push(...named.problems);
      for (const entry of entries) {
        const conflict = facts.add(entry, named.hashed.has(entry.fileName));
        if (conflict) problems.push(`[skewless] ${conflict}`);
      }
      if (problems.length > 0) ctx.error(problems.join('\n'));
      if (named.warning) ctx.warn(named.warning);
    },

    writeBundle(outputOptions, bundle) {
      const ctx = this as unknown as HookContext;
      if (isServer(ctx)) return;
      if (!outputOptions.dir) return;
      dirs.add(resolve(root, outputOptions.dir));
      // Files that reached the bundle after our generateBundle: a later plugin's emitted asset,
      // Rolldown's late emitted files, Vite's explicitly named index.html and .vite/manifest.json.
      // Their names came from the same output options, so they get the same check.
      const late = (Object.values(bundle) as BundleEntry[]).filter((entry) => !facts.has(entry.fileName));
      const named = checkNames(late, outputOptions as unknown as Record<string, unknown>, nameSettings);
      const problems = [...named.problems];
      for (const entry of late) {
        const conflict = facts.add(entry, named.hashed.has(entry.fileName));
        if (conflict) problems.push(`[skewless] ${conflict}`);
      }
      if (problems.length > 0) {
        // closeBundle still runs after a failed write (Rollup's bundle.close()): no manifest then.
        failed = true;
        ctx.error(problems.join('\n'));
      }
      if (named.warning) ctx.warn(named.warning);
    },

    renderError() {
      failed = true;
    },

    buildEnd(error) {
      if (error) failed = true;
    },

    // A parallel hook in Rollup and Rolldown: service-worker generators (vite-plugin-pwa's generateSW, the
    // workbox plugins) write sw.js and its runtime in their own closeBundle. Last and alone, so the
    // manifest and the upload see every file the build leaves in outDir.
    closeBundle: {
      order: 'post',
      sequential: true,
      async handler() {
        const ctx = this as unknown as HookContext;
        if (isServer(ctx) || failed || dirs.size === 0) return;
        if (dirs.size > 1) {
          throw new SkewlessError(
            'INVALID_OPTIONS',
            `the outputs of this build are written to different directories (${[...dirs].join(', ')}), so no single manifest can describe them. Write every output to one directory (output.dir), with names that differ per output.`,
          );
        }
        const dir = [...dirs][0]!;
        const checking = process.env[DETERMINISM_ENV] === '1';
        const manifest = await createManifest({
          dir,
          facts: facts.facts(),
          hash,
          base,
          assetsDir,
          publicSourceMaps: options.publicSourceMaps,
          unhashed: options.unhashed,
          cacheControl: options.cacheControl,
          writeReleaseFile: true,
          stampRelease: true,
        });
        const paths = manifest.files.map((f) => f.path);
        const unmatched = options.unhashed.filter((entry) => !paths.includes(entry));
        if (unmatched.length > 0) ctx.warn(unmatchedUnhashedMessage(unmatched, paths));
        if (options.previousManifest && !checking)
          await checkPrevious(ctx, options.previousManifest, manifest);
        await writeManifest(dir, manifest);
        info(ctx, summary(manifest));
        if (options.precompress) {
          const siblings = await precompress(dir, manifest);
          info(
            ctx,
            `[skewless] precompressed ${siblings.length} files (.br/.gz siblings, not in the manifest).`,
          );
        }
        if (options.upload && !checking) {
          try {
            const result = await runUpload(options.upload, dir, manifest, hookLogger(ctx, info));
            info(
              ctx,
              `[skewless] ${result.dryRun ? 'dry run: would upload' : 'uploaded'} ${result.uploaded} files (${result.skipped} already there) to ${result.target}, release ${result.release}.`,
            );
          } catch (error) {
            const reason = (error as Error).message ?? String(error);
            const message = reason.startsWith('[skewless]')
              ? reason
              : `[skewless] upload to ${options.upload.to} failed: ${reason}. Check the target and its credentials, then run 'skewless upload ${dir} --to ${options.upload.to}'.`;
            if (options.onUploadError === 'warn')
              ctx.warn(`${message} (onUploadError: 'warn' kept the build.)`);
            else throw new SkewlessError('UPLOAD_FAILED', message, { cause: error });
          }
        }
      },
    },

    transformIndexHtml: {
      order: 'pre',
      async handler(html, context) {
        if (context.server || ssrBuild) return;
        const charset = charsetFirst(html);
        const tags: HtmlTag[] = [...charset.tags, releaseMetaTag()];
        if (options.guard) {
          const code = await guardCode(base);
          if (options.guard.mode === 'external') {
            guardAsset = { fileName: guardFileName(code, assetsDir, hash), code };
            tags.push(externalGuardTag(`${base}${guardAsset.fileName}`, options.guard.nonce));
          } else tags.push(inlineGuardTag(code, options.guard.nonce));
        }
        return { html: charset.html, tags };
      },
    },
  } as Plugin;

  async function checkPrevious(ctx: HookContext, where: string, manifest: Manifest): Promise<void> {
    const previous = await loadManifest(where, root);
    const result = compareWithPrevious(previous, manifest);
    info(
      ctx,
      `[skewless] since release ${previous.release}: ${result.kept} files kept their names and bytes, ${result.changed} kept their names with new bytes (documents and public files, which revalidate), ${result.added} new names, ${result.removed} names gone.`,
    );
    if (result.conflicts.length > 0) {
      throw new SkewlessError(
        'NOT_DETERMINISTIC',
        `these names now map to different bytes than in release ${previous.release}, so a CDN would keep serving the old bytes forever: ${result.conflicts.join(', ')}. Make the build deterministic (run 'skewless check-determinism'), or raise hashLength if two contents share a hash.`,
      );
    }
  }
}

function summary(manifest: Manifest): string {
  const counts = new Map<string, number>();
  for (const f of manifest.files) counts.set(f.class, (counts.get(f.class) ?? 0) + 1);
  const parts = [...counts].map(([cls, n]) => `${n} ${cls}`).join(', ');
  return `[skewless] manifest: ${manifest.files.length} files (${parts}), release ${manifest.release}.`;
}

/** The engine logger, routed through the bundler's own log so its log level applies. */
function hookLogger(ctx: HookContext, info: (ctx: HookContext, m: string) => void): Logger {
  return {
    info: (m) => info(ctx, m),
    warn: (m) => ctx.warn(m),
    error: (m) => ctx.warn(m),
    debug: (m) => ctx.debug?.(m),
  };
}
