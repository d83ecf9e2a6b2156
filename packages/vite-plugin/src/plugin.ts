import { resolve } from 'node:path';
import type { Logger, ManifestFile } from '@skewless/core';
import {
  bundleRelease,
  DETERMINISM_ENV,
  describeFile,
  finalizeBuild,
  hashSegmentSource,
  SkewlessError,
} from '@skewless/core';
import type { Plugin } from 'vite';
import type { BundleEntry } from './bundle-facts.js';
import { BundleFacts } from './bundle-facts.js';
import { configuredControlFiles, serverOnlyFiles } from './control-files.js';
import type { Framework } from './frameworks/detect.js';
import { detectFramework, unsupportedFramework, unsupportedFrameworkError } from './frameworks/detect.js';
import { finishFramework } from './frameworks/finish.js';
import { leaveClientBuild, takeClientBuild } from './frameworks/handoff.js';
import { guardCode, guardFileName, inlineGuardTag, pageBase, withExternalGuard } from './guard.js';
import type { HtmlTag } from './html.js';
import { charsetFirst, releaseMetaTag } from './html.js';
import { cspNonceConflictMessage } from './messages.js';
import { checkNames } from './name-check.js';
import { applyNames, applyWorkerNames, type SeenPatterns, type WorkerConfig } from './names.js';
import { preloadPendingHooks } from './preload-pending.js';
import { setText, stampHtml, textOf, unstampedHtml } from './release-stamp.js';
import { type RenderBuiltUrl, renderedAssetsBase, renderedUrl } from './rendered-url.js';
import { finishingSteps, loadUploader, type Uploader, type UploadSession } from './run-upload.js';
import type { SkewlessOptions } from './types.js';
import { validateOptions } from './validate-options.js';
import { observeWriteFailures } from './write-failures.js';

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
  return frameworkPlugin(userOptions, undefined);
}

/**
 * The plugin as a framework integration runs it (`@skewless/vite/astro`): the framework is given, not
 * detected, so the refusal of a framework the plain plugin cannot describe does not apply.
 */
export function frameworkPlugin(userOptions: SkewlessOptions, given: Framework | undefined): Plugin {
  const options = validateOptions(userOptions);
  const { hash } = options;
  let root = process.cwd();
  let base = '/';
  /** The framework's own site base, where it keeps it out of Vite's `base` (see Framework.siteBase). */
  let siteBase: string | undefined;
  /** Where the framework serves its own files from, when not under the site base (Framework.assetsBase). */
  let assetsBase: string | undefined;
  let assetsDir = options.assetsDir ?? '';
  let ssrBuild = false;
  let facts = new BundleFacts(root);
  let dirs = new Set<string>();
  let failed = false;
  // Vite's html.cspNonce, which the external guard's tag gets when guard.nonce is unset (see guardTagNonce).
  let cspNonce: string | undefined;
  // Vite's experimental.renderBuiltUrl: where the pages link the build's files when not at the base.
  let renderBuiltUrl: RenderBuiltUrl | undefined;
  // The root renderBuiltUrl gave this build's pages (a CDN origin), for the manifest's HTML references.
  let renderedBase: string | undefined;
  let viteLogger: { info(message: string): void } | undefined;
  let uploader: Uploader | undefined;
  let controlFiles: string[] = [];
  let serverOnly: string[] = [];
  // The folder Vite copies into outDir as it is, part of the release id; none under plain Rollup.
  let publicDir: string | undefined;
  // The release id stamped into this build's HTML, which the manifest then carries, and the id each
  // HTML file was last stamped with (each output that holds HTML gets an id over the outputs so far).
  let release: string | undefined;
  const stamped = new Map<string, string>();
  // Between a build's first buildStart and its closeBundle (see buildStart).
  let building = false;
  // The upload that sends hashed files from writeBundle on; finished with the manifest in closeBundle.
  let session: { dir: string; upload: UploadSession; queued: Promise<unknown> } | undefined;
  // A framework that writes its deployed folder after the client build (see frameworks/detect.ts).
  let framework: Framework | undefined;
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

  const plugin = {
    name: 'skewless:build',
    // Vite's dev server serves sources by their own names: nothing to name, record or upload.
    apply: 'build',
    // A failed import the runtime recovers by reloading stays pending instead of resolving to undefined.
    ...preloadPendingHooks(),

    // Vite 6+: never join a server environment's pipeline at all.
    // Except under a framework, whose server build closes last: its closeBundle describes the deployed folder.
    // An integration that finishes after every build (Astro) needs nothing from the server build.
    applyToEnvironment(environment: { config?: { consumer?: string } }) {
      const viaServer = framework !== undefined && !framework.finishedByIntegration;
      return viaServer || environment.config?.consumer !== 'server';
    },

    async configResolved(config) {
      // Before anything is written: a framework that deploys another folder would get a wrong manifest.
      const unsupported = given ? undefined : unsupportedFramework(config.plugins);
      if (unsupported) throw unsupportedFrameworkError(unsupported);
      framework = given ?? detectFramework(config.plugins);
      root = config.root;
      base = config.base;
      siteBase = framework?.siteBase?.(config as { define?: Record<string, unknown> });
      assetsBase = framework?.assetsBase?.(config as { define?: Record<string, unknown> });
      assetsDir = config.build.assetsDir;
      ssrBuild = Boolean(config.build.ssr);
      if (!ssrBuild && !framework?.ownsNames)
        applyWorkerNames((config as { worker?: WorkerConfig }).worker, {
          hash,
          assetsDir,
          unhashed: options.unhashed,
        });
      controlFiles = configuredControlFiles(config.build as Parameters<typeof configuredControlFiles>[0]);
      serverOnly = serverOnlyFiles(config.build);
      // Empty with `publicDir: false`; build.copyPublicDir (Vite 4.3+) false copies nothing either.
      const copied = (config.build as { copyPublicDir?: boolean }).copyPublicDir !== false;
      publicDir = copied && config.publicDir ? config.publicDir : undefined;
      // Vite's logger honours --logLevel and prints without a second "[plugin …]" prefix.
      viteLogger = config.logger;
      // Vite 5.3+ stamps html.cspNonce on every script and link tag without a nonce, the guard's included
      // (its own post hook, after ours), so that is the guard's default; a different guard.nonce would win.
      renderBuiltUrl = (config as { experimental?: { renderBuiltUrl?: RenderBuiltUrl } }).experimental
        ?.renderBuiltUrl;
      cspNonce = (config as { html?: { cspNonce?: string } }).html?.cspNonce;
      const nonce = options.guard ? options.guard.nonce : undefined;
      if (nonce !== undefined && cspNonce !== undefined && nonce !== cspNonce)
        config.logger.warn(cspNonceConflictMessage(nonce, cspNonce));
      // Loaded when the config resolves, so a missing @skewless/uploader fails before the build runs.
      if (options.upload) uploader = await loadUploader();
    },

    // Before the build: a later plugin's failed writeBundle must stop the manifest and the upload,
    // and closeBundle is not told about it (see write-failures.ts).
    options(inputOptions) {
      observeWriteFailures((inputOptions as { plugins?: unknown }).plugins, plugin, () => {
        failed = true;
      });
      return null;
    },

    async buildStart() {
      // Plain Rollup has no configResolved: the engine is loaded here, still before any file is built.
      if (options.upload) uploader ??= await loadUploader();
      // Rolldown (Vite 8) runs buildStart again before each further output of one build: what the
      // earlier outputs recorded (facts, names, the early upload session) belongs to the same build.
      if (building) return;
      building = true;
      facts = new BundleFacts(root);
      dirs = new Set();
      failed = false;
      release = undefined;
      stamped.clear();
      renderedBase = undefined;
      session = undefined;
      seen.clear();
    },

    outputOptions(outputOptions) {
      if (isServer(this as unknown as HookContext)) return null;
      // The framework's own lookups use its names; its immutable folder is classed by folder instead.
      if (framework?.ownsNames) return null;
      return applyNames(outputOptions as Record<string, unknown>, {
        hash,
        assetsDir,
        seen,
      }) as typeof outputOptions;
    },

    // Last, after Vite's build-html has emitted the HTML into the bundle (every Vite major, Rolldown
    // included): the release id is stamped into it here, before later plugins read it.
    generateBundle: {
      order: 'post',
      async handler(outputOptions, bundle) {
        const ctx = this as unknown as HookContext;
        if (isServer(ctx)) return;
        const problems: string[] = [];
        if (options.guard && options.guard.mode === 'external') {
          for (const page of unstampedHtml(Object.values(bundle) as BundleEntry[])) {
            // One file per folder depth under a relative base: its URLs resolve against the page.
            const { here, code } = await pageGuard(page.fileName);
            const fileName = guardFileName(code, assetsDir, hash);
            // Named by us with its content hash, so it is immutable like the bundler's own files.
            if (!facts.has(fileName)) {
              facts.add({ type: 'asset', fileName, source: code, name: 'skewless-guard.js' }, true);
              if (!(fileName in bundle)) this.emitFile({ type: 'asset', fileName, source: code });
            }
            const nonce = options.guard.nonce ?? cspNonce;
            // Where the page's other build files are: a CDN origin serves the guard file too.
            const src = renderedUrl(renderBuiltUrl, fileName, page.fileName) ?? `${here}${fileName}`;
            setText(page, withExternalGuard(textOf(page), src, nonce));
          }
        }
        const entries = Object.values(bundle) as BundleEntry[];
        const named = record(entries, outputOptions);
        problems.push(...named.problems);
        if (problems.length > 0) ctx.error(problems.join('\n'));
        if (named.warning) ctx.warn(named.warning);
        const html = unstampedHtml(entries);
        if (html.length === 0) return;
        for (const page of html) {
          const cdn = renderedAssetsBase(renderBuiltUrl, assetsDir, page.fileName);
          if (cdn && /^https?:\/\//i.test(cdn)) renderedBase ??= cdn;
        }
        // Over what is final now: every file recorded (this output's and earlier outputs', the HTML with
        // the placeholder) and the public files Vite copies, which are on disk before this hook in every
        // major but are read from publicDir so files left in outDir by an earlier build never count.
        release = await bundleRelease({
          files: facts.digests(),
          publicDir,
          releaseFile: options.releaseFile,
        });
        stampHtml(html, release);
        for (const entry of html) stamped.set(entry.fileName, release);
      },
    },

    writeBundle(outputOptions, bundle) {
      const ctx = this as unknown as HookContext;
      if (isServer(ctx)) return;
      if (!outputOptions.dir) return;
      dirs.add(resolve(root, outputOptions.dir));
      // Files that reached the bundle after our generateBundle: an asset emitted by a later plugin's
      // `order: 'post'` generateBundle, Rolldown's late emitted files. Their names came from the same
      // output options, so they get the same check.
      const late = (Object.values(bundle) as BundleEntry[]).filter((entry) => !facts.has(entry.fileName));
      const { problems, warning } = record(late, outputOptions);
      if (problems.length > 0) {
        // closeBundle still runs after a failed write (Rollup's bundle.close()): no manifest then.
        failed = true;
        ctx.error(problems.join('\n'));
      }
      if (warning) ctx.warn(warning);
      sendEarly(ctx, resolve(root, outputOptions.dir), Object.keys(bundle));
    },

    renderError() {
      failed = true;
    },

    buildEnd(error) {
      if (!error) return;
      failed = true;
      // A failed build may end without closeBundle: the next one (watch mode) starts afresh.
      building = false;
    },

    // A parallel hook in Rollup and Rolldown: service-worker generators (vite-plugin-pwa's generateSW, the
    // workbox plugins) write sw.js and its runtime in their own closeBundle. Last and alone, so the
    // manifest and the upload see every file the build leaves in outDir.
    closeBundle: {
      order: 'post',
      sequential: true,
      async handler(error?: unknown) {
        const ctx = this as unknown as HookContext;
        // The build is over (closeBundle runs once per build, after every output, with or without error).
        building = false;
        if (isServer(ctx)) {
          if (framework && !framework.finishedByIntegration && !error) await finishFrameworkBuild(ctx);
          return;
        }
        // Rollup 4.35+ and Rolldown pass the error of a failed build phase (a failed writeBundle is seen
        // by observeWriteFailures): a build that failed is never described nor uploaded.
        if (error) failed = true;
        // Whatever happens below, the early sends' claim goes; after a finished upload there is none left.
        const opened = session;
        session = undefined;
        // Every batch handed over before the session finishes or aborts, so none starts after it.
        await opened?.queued;
        try {
          await close(ctx, opened?.upload);
        } finally {
          await opened?.upload.abort();
        }
      },
    },

    transformIndexHtml: {
      order: 'pre',
      async handler(html, context) {
        if (context.server || ssrBuild) return;
        const charset = charsetFirst(html);
        const tags: HtmlTag[] = [...charset.tags, releaseMetaTag()];
        // The external guard's tag is added to the finished page, in generateBundle (withExternalGuard).
        if (options.guard && options.guard.mode === 'inline') {
          const { code } = await pageGuard(context.path ?? '');
          tags.push(inlineGuardTag(code, options.guard.nonce));
        }
        return { html: charset.html, tags };
      },
    },
  } as Plugin;
  return plugin;

  /** The classifier settings of the manifest, so a file sent early is described as the manifest will. */
  function classifyOptions() {
    return {
      hash,
      publicSourceMaps: options.publicSourceMaps,
      // Only those the build wrote, so a configured name never counts as an unmatched `unhashed` entry.
      unhashed: [...options.unhashed, ...controlFiles.filter((p) => facts.has(p))],
      serverOnly,
      cacheControl: options.cacheControl,
    };
  }

  /**
   * Start sending the hashed files this output just wrote, while the build goes on (other outputs,
   * other plugins' closeBundle). Not awaited: a failed send fails the upload when it finishes.
   */
  function sendEarly(ctx: HookContext, dir: string, paths: string[]): void {
    const upload = options.upload;
    // A framework's deployed folder is only known, and only final, when its server build ends.
    if (!upload || upload.early === false || !uploader || failed || framework) return;
    // The determinism check's builds upload nothing; one manifest over two folders is refused later.
    if (process.env[DETERMINISM_ENV] === '1' || (session && session.dir !== dir)) return;
    const { early: _, ...rest } = upload;
    session ??= {
      dir,
      upload: uploader.startUpload({ ...rest, dir, logger: hookLogger(ctx, info) }),
      queued: Promise.resolve(),
    };
    const { upload: started } = session;
    const settings = classifyOptions();
    const hashed = paths.map((p) => facts.get(p)).filter((f) => f?.hashed === true);
    // A file that cannot be described now is sent with the rest; a failed send surfaces in finish().
    const describing = Promise.all(
      hashed.map((fact) => describeFile(dir, fact!, settings).catch(() => undefined)),
    );
    // Settles once the batch is handed over, not once it is sent: closeBundle writes the manifest
    // while the files go up, and the session's finish() waits for them and throws their failure.
    session.queued = Promise.all([session.queued, describing])
      .then(([, files]) => {
        started
          .send(
            files.filter((f): f is ManifestFile => f?.class === 'immutable'),
            hash,
          )
          .catch(() => {});
      })
      .catch(() => {});
  }

  /**
   * The guard's code for one page, and the base its URLs resolve from there: a relative base climbs from
   * a page in a subfolder (pageBase), and under renderBuiltUrl the build's files are the CDN's.
   */
  async function pageGuard(page: string): Promise<{ here: string; code: string }> {
    const here = pageBase(base, page);
    const cdn = renderedAssetsBase(renderBuiltUrl, assetsDir, page);
    return { here, code: await guardCode(here, assetsDir, options.releaseFile, false, cdn ?? here) };
  }

  /**
   * A framework's server build ends after the framework wrote the deployed folder (this hook is the last
   * one of that build): the manifest goes over that folder, from the client build's facts.
   */
  async function finishFrameworkBuild(ctx: HookContext): Promise<void> {
    const client = takeClientBuild(root);
    if (!client || client.failed) return;
    await finishFramework({
      framework: framework!,
      root,
      client,
      base: siteBase ?? base,
      assetsBase,
      options,
      uploader,
      logger: hookLogger(ctx, info),
    });
  }

  /** Write the manifest over the one output directory, and upload (finishing an early upload). */
  async function close(ctx: HookContext, early: UploadSession | undefined): Promise<void> {
    if (framework) {
      // The client build of a framework: its server build describes the deployed folder later.
      const dir = [...dirs][0];
      if (dir)
        leaveClientBuild(root, {
          dir,
          files: facts.known(),
          base,
          assetsDir,
          failed: failed || dirs.size > 1,
        });
      return;
    }
    if (failed || dirs.size === 0) return;
    if (dirs.size > 1) {
      throw new SkewlessError(
        'INVALID_OPTIONS',
        `the outputs of this build are written to different directories (${[...dirs].join(', ')}), so no single manifest can describe them. Write every output to one directory (output.dir), with names that differ per output.`,
      );
    }
    const dir = [...dirs][0]!;
    const logger = hookLogger(ctx, info);
    const stale = [...stamped].filter(([, id]) => id !== release).map(([path]) => path);
    if (stale.length > 0) logger.warn(staleReleaseMessage(stale, release!));
    await finalizeBuild({
      dir,
      root,
      facts: facts.facts(),
      base,
      assetsDir,
      ...classifyOptions(),
      ...(renderedBase ? { assetsBase: renderedBase } : {}),
      // The id stamped into the HTML; a build without HTML gets one over the files on disk.
      release,
      ...finishingSteps(options, uploader, early, dir, logger),
    });
  }

  /** Check the names of bundle entries and record their facts; the problems fail the build. */
  function record(entries: BundleEntry[], outputOptions: unknown): { problems: string[]; warning?: string } {
    // Named by the framework: only the checks that hold for any names (one name, one content; case).
    const named = framework?.ownsNames
      ? { hashed: new Set<string>(), problems: [] as string[], warning: undefined }
      : checkNames(entries, outputOptions as Record<string, unknown>, nameSettings);
    const problems = [...named.problems];
    for (const entry of entries) {
      const conflict = facts.add(entry, named.hashed.has(entry.fileName));
      if (conflict) problems.push(`[skewless] ${conflict}`);
    }
    return { problems, warning: named.warning };
  }
}

/** The warning for HTML files stamped in an earlier output with an id that a later output replaced. */
function staleReleaseMessage(paths: string[], release: string): string {
  return `[skewless] ${paths.join(', ')} carry the release id of an earlier output, not release ${release}, which covers the later outputs too; the runtime would take those pages for an older release. Emit every HTML file in the build's last output.`;
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
