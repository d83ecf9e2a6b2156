/** `reload`: reload now; `wait`: reload when online; `surface`: leave it. A reload under way is joined first. */
export type Decision = 'reload' | 'wait' | 'surface';

/**
 * The loop guard's state machine. It decides synchronously, because Vite reads `defaultPrevented` right
 * after dispatching `vite:preloadError`: the release fetch that follows can tell the reason, not the decision.
 * Positional arguments keep the runtime under its 1 KB budget; guard-source.ts inlines the same rule
 * (covered by test/guard.test.ts), since the inline guard cannot import.
 *
 * @param online `navigator.onLine`
 * @param since ms since this release last reloaded this tab (huge when never, NaN when the value is corrupt)
 * @param windowMs the loop guard's window
 */
export function decide(online: boolean, since: number, windowMs: number): Decision {
  // NaN: the stored value is not a time this code wrote (another script's write, another version's
  // format). Read as a recent reload, not as none: it may stand for a reload this code cannot read, and
  // surfacing is the loop guard's own fallback; reloading on an unreadable count is how loops start. The
  // inline guard reads it the same way (guard-source.ts). Storage that throws never gets here (no-storage).
  // A negative span (the clock went back) does not block.
  if (!(since < 0 || since >= windowMs)) return 'surface';
  return online ? 'reload' : 'wait';
}
