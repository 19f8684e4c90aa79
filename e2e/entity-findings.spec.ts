import { expect, test } from '@playwright/test';
import { expectAccessible, openIrsaTab, signInAsGuest } from './helpers';

test('kaniko: a trust that any service account of the cluster passes is critical', async ({
  page,
}) => {
  await signInAsGuest(page);
  await openIrsaTab(page, 'kaniko');

  const binding = page.getByTestId('irsa-binding-ci-kaniko');
  const finding = binding.getByTestId(
    'irsa-finding-TRUST_SUB_WILDCARD_CLUSTER',
  );
  await expect(finding).toBeVisible();
  await expect(finding.getByTestId('irsa-severity-critical')).toBeVisible();
  await expectAccessible(page, '[data-testid="irsa-binding-ci-kaniko"]');
  await page.screenshot({
    path: 'e2e-screenshots/irsa-kaniko-wildcard.png',
    fullPage: true,
  });
});

test('admin-console: the admin policy is critical and the pod still runs with the old role', async ({
  page,
}) => {
  await signInAsGuest(page);
  await openIrsaTab(page, 'admin-console');

  const binding = page.getByTestId('irsa-binding-ops-admin-console');
  const admin = binding.getByTestId('irsa-finding-PERM_ADMIN');
  await expect(admin).toBeVisible();
  await expect(admin.getByTestId('irsa-severity-critical')).toBeVisible();
  // the pod started before the annotation changed: it still has the previous role
  await expect(
    binding.getByTestId('irsa-finding-POD_ROLE_STALE'),
  ).toContainText('irsa-demo-admin-console-v1');
  await expect(
    binding.getByTestId('irsa-pod-admin-console-6b8c9d7f4-m3n5r'),
  ).toContainText('irsa-demo-admin-console-v1');
  // "*" is summarised, never spelt out: a count of services, the names on request
  const adminRow = binding
    .getByTestId('irsa-permission-row')
    .filter({ has: page.getByTestId('irsa-permission-finding-PERM_ADMIN') });
  const summary = adminRow.getByTestId('irsa-permission-summary');
  await expect(summary).toHaveText(/actions: all \d{3,} services/);
  await expect(adminRow.getByTestId('irsa-permission-expansion')).toHaveCount(
    0,
  );
  await adminRow.getByTestId('irsa-permission-expand').click();
  await expect(adminRow.getByTestId('irsa-permission-expansion')).toContainText(
    's3',
  );
  await expectAccessible(
    page,
    '[data-testid="irsa-binding-ops-admin-console"]',
  );
  await binding.screenshot({ path: 'e2e-screenshots/irsa-admin-console.png' });
});

test('the overview card shows each service account with its verdict and links to the tab', async ({
  page,
}) => {
  await signInAsGuest(page);
  await page.goto('/catalog/default/component/orders-worker');
  const card = page.getByTestId('irsa-entity-card');
  await expect(
    card.getByTestId('irsa-card-binding-orders-orders-worker'),
  ).toContainText('Pods cannot assume this role');
  await expectAccessible(page, '[data-testid="irsa-entity-card"]');
  await page.getByRole('link', { name: /View IRSA details/ }).click();
  await expect(page).toHaveURL(
    /\/catalog\/default\/component\/orders-worker\/irsa$/,
  );
  await expect(
    page.getByTestId('irsa-binding-orders-orders-worker'),
  ).toBeVisible();
});
