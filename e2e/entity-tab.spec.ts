import { expect, test } from '@playwright/test';

test('a guest signs in, opens a demo component and sees its IRSA tab', async ({ page }) => {
  await page.goto('/');

  const enter = page.getByRole('button', { name: 'Enter' });
  await expect(enter).toBeVisible();
  await enter.click();

  // The catalog is the landing page; the demo components come from catalog-info.yaml.
  const component = page.getByRole('link', { name: 'payments-api' });
  await expect(component).toBeVisible();
  await component.click();
  await expect(page).toHaveURL(/\/catalog\/default\/component\/payments-api/);

  const tab = page
    .getByRole('navigation', { name: 'Content navigation' })
    .getByRole('link', { name: 'IRSA', exact: true });
  await expect(tab).toBeVisible();
  await tab.click();
  await expect(page).toHaveURL(/\/catalog\/default\/component\/payments-api\/irsa/);

  // The tab talks to the IRSA backend with the guest's token.
  await expect(page.getByTestId('irsa-clusters')).toHaveText(
    'Clusters watched by the IRSA backend: 1',
  );
  await expect(page.getByTestId('irsa-linked-by')).toContainText(
    'backstage.io/kubernetes-id: payments-api',
  );

  // The cluster's issuer comes from moto's EKS; its account has the OIDC provider.
  const eastRow = page.getByRole('row').filter({ hasText: 'demo-east' });
  await expect(eastRow).toContainText('oidc.eks.us-east-1.amazonaws.com/id/');
  await expect(eastRow).toContainText('present (sts.amazonaws.com)');

  await page.screenshot({ path: 'e2e-screenshots/irsa-entity-tab.png', fullPage: true });
});
