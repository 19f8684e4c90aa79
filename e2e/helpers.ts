import { expect, Page } from '@playwright/test';

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
  await page.getByRole('menuitem', { name: /^All \d+$/ }).click();
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
