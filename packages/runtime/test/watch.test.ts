import { afterEach, describe, expect, it, vi } from 'vitest';
import { STORAGE_PREFIX } from '../src/constants.js';
import { sharedState } from '../src/handler.js';
import { reportReload } from '../src/report.js';
import type { SkewInfo } from '../src/types.js';
import { watchRelease } from '../src/watch.js';
import { FakeStorage, type FakeWindow, fakeWindow, settle } from './fake-window.js';

const g = globalThis as { window?: unknown };

function watch(fake: FakeWindow, seen: SkewInfo[] = []) {
  g.window = fake.window;
  sharedState(fake.window).o = { onSkew: (info) => seen.push({ ...info }) };
  const news: unknown[] = [];
  const stop = watchRelease({ onNewRelease: (info) => news.push(info) });
  return { stop, news, seen };
}

describe('watchRelease (the optional proactive check)', () => {
  let stop: (() => void) | undefined;
  afterEach(() => {
    stop?.();
    delete g.window;
  });

  it('a newer release seen when the tab becomes visible: reloads at the next route change', async () => {
    const fake = fakeWindow({ current: 'aaa', live: 'bbb' });
    const w = watch(fake);
    stop = w.stop;
    fake.becomeVisible();
    await settle();
    expect(w.news).toEqual([{ current: 'aaa', live: 'bbb' }]);
    expect(fake.reloads).toHaveLength(0);

    fake.window.history.pushState(null, '', '/next');
    await settle();
    expect(fake.pushed).toEqual(['/next']);
    expect(fake.reloads).toHaveLength(1);
    // Reported by the page after the reload, once it has fetched the live release.
    expect(w.seen).toEqual([]);
    const next = fake.reloadPage({ current: 'bbb' });
    const state = sharedState(next.window);
    state.o = { onSkew: (info) => w.seen.push({ ...info }) };
    await reportReload(next.window, state);
    expect(w.seen).toMatchObject([{ action: 'reload', reason: 'new-release', current: 'aaa', live: 'bbb' }]);
  });

  it("an SPA fallback's HTML for the release file: the live release stays unknown, and the console says how to fix it, once", async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const fake = fakeWindow({ current: 'aaa', spaFallback: true });
      const w = watch(fake);
      stop = w.stop;
      fake.becomeVisible();
      await settle();
      fake.becomeVisible();
      await settle();
      expect(fake.fetched.length).toBeGreaterThanOrEqual(2);
      expect(w.news).toEqual([]);
      expect(fake.reloads).toHaveLength(0);
      const hints = warn.mock.calls.map((c) => String(c[0])).filter((m) => m.includes('[skewless]'));
      expect(hints).toHaveLength(1);
      expect(hints[0]).toContain('answered with HTML, not the release file');
      expect(hints[0]).toContain("releaseFile: 'assets/skewless.json'");
    } finally {
      warn.mockRestore();
    }
  });

  it('the same release: route changes stay client-side', async () => {
    const fake = fakeWindow({ current: 'aaa', live: 'aaa' });
    const w = watch(fake);
    stop = w.stop;
    fake.becomeVisible();
    await settle();
    fake.window.history.pushState(null, '', '/next');
    await settle();
    expect(w.news).toEqual([]);
    expect(fake.reloads).toHaveLength(0);
  });

  it('the loop guard still applies (a stale CDN page must not reload on every click)', async () => {
    const storage = new FakeStorage();
    storage.setItem(`${STORAGE_PREFIX}aaa`, String(Date.now()));
    const fake = fakeWindow({ current: 'aaa', live: 'bbb', storage });
    const w = watch(fake);
    stop = w.stop;
    fake.becomeVisible();
    await settle();
    fake.window.history.pushState(null, '', '/next');
    await settle();
    expect(w.news).toHaveLength(1);
    expect(fake.reloads).toHaveLength(0);
  });

  it('stopping restores pushState and stops looking', async () => {
    const fake = fakeWindow({ current: 'aaa', live: 'bbb' });
    const original = fake.window.history.pushState;
    const w = watch(fake);
    w.stop();
    expect(fake.window.history.pushState).toBe(original);
    fake.becomeVisible();
    await settle();
    expect(fake.fetched).toEqual([]);
  });
});
