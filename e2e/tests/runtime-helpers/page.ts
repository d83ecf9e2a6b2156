import { expect, type Page } from '@playwright/test';

/**
 * Counts the documents the tab requested: the first visit plus one per reload. Not `load` events (a guard
 * reload while the page is still loading cancels that page's `load`), nor `framenavigated` (it also fires
 * for history.pushState).
 */
export function countLoads(page: Page): { count: number } {
  const loads = { count: 0 };
  page.on('request', (request) => {
    if (request.isNavigationRequest() && request.frame() === page.mainFrame()) loads.count++;
  });
  return loads;
}

/**
 * A list the fixture app keeps in sessionStorage (`fixture:skews` from onSkew, `fixture:events` from its
 * skewless:reload listener); null while the page is between documents.
 */
export async function readLog(
  page: Page,
  key: 'fixture:skews' | 'fixture:events',
): Promise<unknown[] | null> {
  try {
    return await page.evaluate((k) => JSON.parse(sessionStorage.getItem(k) || '[]'), key);
  } catch {
    return null;
  }
}

/** Both logs, read at one instant. */
export async function readLogs(page: Page): Promise<{ skews: unknown[]; events: unknown[] } | null> {
  try {
    return await page.evaluate(() => ({
      skews: JSON.parse(sessionStorage.getItem('fixture:skews') || '[]'),
      events: JSON.parse(sessionStorage.getItem('fixture:events') || '[]'),
    }));
  } catch {
    return null;
  }
}

/** Whether a reload is under way or waiting (the shared in-flight flag of the guard and the runtime). */
export function reloadPending(page: Page): Promise<boolean> {
  return page.evaluate(() => !!(window as unknown as { __skewless?: { p?: boolean } }).__skewless?.p);
}

/**
 * Opens `url` and sees the tab load `documents` documents in all (1: no reload; 2: one reload), with nothing
 * more on its way. The error event precedes `load` and the guard decides synchronously, so at `load` a further
 * reload would already be pending.
 */
export async function openExpecting(page: Page, url: string, documents: number): Promise<void> {
  const loads = countLoads(page);
  await page.goto(url);
  await expect.poll(() => loads.count).toBe(documents);
  await page.waitForLoadState('load');
  expect(await reloadPending(page)).toBe(false);
  expect(loads.count).toBe(documents);
}
