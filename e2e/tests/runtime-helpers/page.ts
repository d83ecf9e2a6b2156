import type { Page } from '@playwright/test';

/**
 * Counts the documents the tab committed: the first visit plus one per reload. Navigations, not `load`
 * events: a guard reload while the page is still loading cancels that page's `load` event.
 */
export function countLoads(page: Page): { count: number } {
  const loads = { count: 0 };
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) loads.count++;
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

/** Whether a reload is under way or waiting (the shared in-flight flag of the guard and the runtime). */
export function reloadPending(page: Page): Promise<boolean> {
  return page.evaluate(() => !!(window as unknown as { __skewless?: { p?: boolean } }).__skewless?.p);
}
