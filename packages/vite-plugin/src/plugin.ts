import { resolve } from 'node:path';
import type { Logger } from '@skewless/core';
import { finalizeBuild, hashSegmentSource, SkewlessError } from '@skewless/core';
import type { Plugin } from 'vite';
import type { BundleEntry } from './bundle-facts.js';
import { BundleFacts } from './bundle-facts.js';
import { configuredControlFiles } from './control-files.js';
import { unsupportedFramework, unsupportedFrameworkError } from './frameworks/detect.js';
import { externalGuardTag, guardCode, guardFileName, inlineGuardTag } from './guard.js';
import type { HtmlTag } from './html.js';
import { charsetFirst, releaseMetaTag } from './html.js';
import { cspNonceConflictMessage } from './messages.js';
import { checkNames } from './name-check.js';
import { applyNames, type SeenPatterns } from './names.js';
import { preloadPendingHooks } from './preload-pending.js';
import { loadUploader, type Uploader } from './run-upload.js';
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
  let uploader: Uploader | undefined;
  let controlFiles: string[] = [];
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

    async configResolved(config) {
      // Before anything is written: a framework that deploys another folder would get a wrong manifest.
      const framework = unsupportedFramework(config.plugins);
      if (framework) throw unsupportedFrameworkError(framework);
      root = config.root;
      base = config.base;
      assetsDir = config.build.assetsDir;
      ssrBuild = Boolean(config.build.ssr);
      controlFiles = configuredControlFiles(config.build as Parameters<typeof configuredControlFiles>[0]);
      // Vite's logger honours --logLevel and prints without a second "[plugin …]" prefix.
      viteLogger = config.logger;
      // Vite 5.3+ stamps html.cspNonce on every script and link tag without a nonce, the guard's included
      // (its own post hook, after ours), so that is the guard's default; a different guard.nonce would win.
      const cspNonce = (config as { html?: { cspNonce?: string } }).html?.cspNonce;
      const nonce = options.guard ? options.guard.nonce : undefined;
      if (nonce !== undefined && cspNonce !== undefined && nonce !== cspNonce)
        config.logger.warn(cspNonceConflictMessage(nonce, cspNonce));
      // Loaded when the config resolves, so a missing @skewless/uploader fails before the build runs.
      if (options.upload) uploader = await loadUploader();
    },

    async buildStart() {
      // Plain Rollup has no configResolved: the engine is loaded here, still before any file is built.
      if (options.upload) uploader ??= await loadUploader();
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
      const named = record(Object.values(bundle) as BundleEntry[], outputOptions);
      problems.push(...named.problems);
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
      const { problems, warning } = record(late, outputOptions);
      if (problems.length > 0) {
        // closeBundle still runs after a failed write (Rollup's bundle.close()): no manifest then.
        failed = true;
        ctx.error(problems.join('\n'));
      }
      if (warning) ctx.warn(warning);
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
        const logger = hookLogger(ctx, info);
        const upload = options.upload;
        await finalizeBuild({
          dir,
          root,
          facts: facts.facts(),
          hash,
          base,
          assetsDir,
          publicSourceMaps: options.publicSourceMaps,
          // Only those the build wrote, so a configured name never counts as an unmatched `unhashed` entry.
          unhashed: [...options.unhashed, ...controlFiles.filter((p) => facts.has(p))],
          cacheControl: options.cacheControl,
          previousManifest: options.previousManifest,
          precompress: options.precompress,
          onUploadError: options.onUploadError,
          logger,
          upload:
            upload && uploader
              ? { to: upload.to, run: (manifest) => uploader!.upload({ ...upload, dir, manifest, logger }) }
              : undefined,
        });
      },
    },

    transformIndexHtml: {
      order: 'pre',
      async handler(html, context) {
        if (context.server || ssrBuild) return;
        const charset = charsetFirst(html);
        const tags: HtmlTag[] = [...charset.tags, releaseMetaTag()];
        if (options.guard) {
          const code = await guardCode(base, assetsDir);
          if (options.guard.mode === 'external') {
            guardAsset = { fileName: guardFileName(code, assetsDir, hash), code };
            tags.push(externalGuardTag(`${base}${guardAsset.fileName}`, options.guard.nonce));
          } else tags.push(inlineGuardTag(code, options.guard.nonce));
        }
        return { html: charset.html, tags };
      },
    },
  } as Plugin;

  /** Check the names of bundle entries and record their facts; the problems fail the build. */
  function record(entries: BundleEntry[], outputOptions: unknown): { problems: string[]; warning?: string } {
    const named = checkNames(entries, outputOptions as Record<string, unknown>, nameSettings);
    const problems = [...named.problems];
    for (const entry of entries) {
      const conflict = facts.add(entry, named.hashed.has(entry.fileName));
      if (conflict) problems.push(`[skewless] ${conflict}`);
    }
    return { problems, warning: named.warning };
  }
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
