import type { FileFacts } from '@skewless/core';

/** What a framework's client build leaves for the server build that closes the framework's build. */
export interface ClientBuild {
  /** The client build's outDir (absolute). */
  dir: string;
  /** The facts of every file the client bundle wrote, with their bytes' SHA-256 (hex). */
  files: (FileFacts & { sha256: string })[];
  /** The client build's base and assetsDir, as Vite resolved them. */
  base: string;
  assetsDir: string;
  /** Whether the client build failed: then nothing is described or uploaded. */
  failed: boolean;
}

// Frameworks build the client with a nested `vite.build()` (SvelteKit) or one `vite.build()` per
// environment from their own CLI (React Router), each loading the Vite config again, so each build has
// its own skewless() instance, and a module-level variable may not be shared either (Vite bundles a
// config's local imports into each load). The process is the one thing the builds share.
const KEY = Symbol.for('skewless.vite.client-builds');

function registry(): Map<string, ClientBuild> {
  const holder = globalThis as { [KEY]?: Map<string, ClientBuild> };
  holder[KEY] ??= new Map();
  return holder[KEY];
}

/** Record the client build of the project at `root`, replacing an earlier one (watch mode, a rebuild). */
export function leaveClientBuild(root: string, build: ClientBuild): void {
  registry().set(root, build);
}

/** The client build of the project at `root`, once: a second server build finds none. */
export function takeClientBuild(root: string): ClientBuild | undefined {
  const found = registry().get(root);
  registry().delete(root);
  return found;
}
