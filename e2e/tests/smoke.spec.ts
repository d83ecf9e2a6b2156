import { expect, test } from '@playwright/test';

// Proves the browser setup (Debian Chromium with our flags) works before any scenario relies on it.
test('chromium renders a data URL', async ({ page }) => {
  await page.goto('data:text/html,<title>ok</title><p id=p>skewless</p>');
  await expect(page.locator('#p')).toHaveText('skewless');
});
