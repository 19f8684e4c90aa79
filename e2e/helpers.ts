import { expect, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

export const BACKEND =
  process.env.PLAYWRIGHT_BACKEND_URL ?? 'http://localhost:7007';

export async function signInAsGuest(page: Page) {
  await page.goto('/');
  const enter = page.getByRole('button', { name: 'Enter' });
  await expect(enter).toBeVisible();
  await enter.click();
  // Signed in once the app has replaced the sign-in page.
  await expect(enter).toHaveCount(0);
}

export async function openIrsaTab(page: Page, component: string) {
  // The catalog is the landing page; the demo components come from catalog-info.yaml.
  // It lists the guest's own components first: list all of them, other teams' included.
  // A click that lands while the catalog page is still settling is lost: click until it took.
  await expect(async () => {
    await page.getByRole('menuitem', { name: /^All \d+$/ }).click();
    await expect(
      page.getByRole('heading', { name: /^All Components \(\d+\)$/ }).first(),
    ).toBeVisible({ timeout: 3_000 });
  }).toPass({ timeout: 30_000 });
  const link = page.getByRole('link', { name: component, exact: true });
  await expect(link).toBeVisible();
  await link.click();
  await expect(page).toHaveURL(
    new RegExp(`/catalog/default/component/${component}$`),
  );
  const tab = page
    .getByRole('navigation', { name: 'Content navigation' })
    .getByRole('link', { name: 'IRSA', exact: true });
  await expect(tab).toBeVisible();
  await tab.click();
  await expect(page).toHaveURL(
    new RegExp(`/catalog/default/component/${component}/irsa$`),
  );
}

/** The signed-in guest's Backstage token, as the app itself obtains it. */
export async function guestToken(page: Page): Promise<string> {
  return page.evaluate(async backend => {
    const res = await fetch(`${backend}/api/auth/guest/refresh`, {
      credentials: 'include',
      headers: { 'x-requested-with': 'XMLHttpRequest' },
    });
    return (await res.json()).backstageIdentity.token as string;
  }, BACKEND);
}

/**
 * Accessibility of what this plugin draws (WCAG 2 A and AA rules, axe-core):
 * the region `selector` names, so a finding in Backstage's own chrome is not
 * counted against the plugin. Fails listing each violation and its nodes.
 */
export async function expectAccessible(page: Page, selector: string) {
  const results = await new AxeBuilder({ page })
    .include(selector)
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const violations = results.violations.map(
    v =>
      `${v.id} (${v.impact}): ${v.help} — ${v.nodes
        .map(n => n.target.join(' '))
        .join(', ')}`,
  );
  expect(violations, `axe found in ${selector}`).toEqual([]);
}
