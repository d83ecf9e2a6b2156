/**
 * Rollup, Rolldown and Vite call closeBundle with no error after another plugin's writeBundle failed
 * (bundle.write() rejects, then bundle.close() runs), so closeBundle alone cannot tell a failed write
 * from a finished one. Each other plugin's writeBundle is observed instead: a rejection is reported to
 * every Skewless instance watching it, then rethrown unchanged.
 */

type Hook = ((...args: unknown[]) => unknown) | { handler: (...args: unknown[]) => unknown };

const LISTENERS = Symbol.for('skewless.writeBundleFailureListeners');

interface Observed {
  [LISTENERS]?: Set<(error: unknown) => void>;
  writeBundle?: Hook;
}

/**
 * Observe the writeBundle hook of every plugin in `plugins` but `self`; `onFailure` runs when one
 * rejects or throws. Idempotent per plugin object: a plugin already observed gets one more listener.
 */
export function observeWriteFailures(
  plugins: unknown,
  self: object,
  onFailure: (error: unknown) => void,
): void {
  for (const plugin of flatten(plugins)) {
    if (plugin === self || !plugin.writeBundle) continue;
    let listeners = plugin[LISTENERS];
    if (!listeners) {
      listeners = new Set();
      const own = listeners;
      plugin[LISTENERS] = own;
      plugin.writeBundle = wrap(plugin.writeBundle, (error) => {
        for (const listener of own) listener(error);
      });
    }
    listeners.add(onFailure);
  }
}

function wrap(hook: Hook, report: (error: unknown) => void): Hook {
  const handler = typeof hook === 'function' ? hook : hook.handler;
  async function observed(this: unknown, ...args: unknown[]): Promise<unknown> {
    try {
      return await handler.apply(this, args);
    } catch (error) {
      report(error);
      throw error;
    }
  }
  return typeof hook === 'function' ? observed : { ...hook, handler: observed };
}

function flatten(plugins: unknown, out: Observed[] = []): Observed[] {
  if (Array.isArray(plugins)) for (const p of plugins) flatten(p, out);
  else if (plugins && typeof plugins === 'object' && !(plugins instanceof Promise))
    out.push(plugins as Observed);
  return out;
}
