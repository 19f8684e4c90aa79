import { expect, test } from '@playwright/test';
import { expectAccessible, openIrsaTab, signInAsGuest } from './helpers';

test('a guest signs in, opens a demo component and sees its IRSA tab', async ({
  page,
}) => {
  await signInAsGuest(page);
  await openIrsaTab(page, 'payments-api');

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

  // Discovery: the seeded service account, its role in moto, and a positive verdict.
  const binding = page.getByTestId('irsa-binding-payments-payments-api');
  await expect(binding).toContainText(
    'arn:aws:iam::123456789012:role/irsa-demo-payments-api',
  );
  await expect(binding.getByTestId('irsa-verdict')).toHaveText(
    /^Pods can assume this role/,
  );

  await expectAccessible(
    page,
    '[data-testid="irsa-binding-payments-payments-api"]',
  );
  await page.screenshot({
    path: 'e2e-screenshots/irsa-entity-tab.png',
    fullPage: true,
  });
});

test('the tab explains why orders-worker cannot assume its role and offers the fix', async ({
  page,
}) => {
  await signInAsGuest(page);
  await openIrsaTab(page, 'orders-worker');

  const binding = page.getByTestId('irsa-binding-orders-orders-worker');
  await expect(binding.getByTestId('irsa-verdict')).toHaveText(
    /^Pods cannot assume this role/,
  );
  const finding = binding.getByTestId('irsa-finding-TRUST_SUB_MISMATCH');
  await expect(finding).toContainText(
    'system:serviceaccount:orders:orders-worker',
  );
  // the corrected trust policy names the right namespace
  await expect(binding).toContainText(
    '"system:serviceaccount:orders:orders-worker"',
  );

  await expectAccessible(
    page,
    '[data-testid="irsa-binding-orders-orders-worker"]',
  );
  await binding.screenshot({ path: 'e2e-screenshots/irsa-denied-verdict.png' });
});

test('billing-exporter shows the misspelt role annotation key and the right one', async ({
  page,
}) => {
  await signInAsGuest(page);
  await openIrsaTab(page, 'billing-exporter');

  const binding = page.getByTestId('irsa-binding-billing-billing-exporter');
  const finding = binding.getByTestId('irsa-finding-SA_ANNOTATION_KEY_TYPO');
  await expect(finding).toContainText('eks.amazon.com/role-arn');
  await expect(finding).toContainText('eks.amazonaws.com/role-arn');
  await expect(binding.getByTestId('irsa-severity-high').first()).toBeVisible();

  await page.screenshot({
    path: 'e2e-screenshots/irsa-annotation-key-typo.png',
    fullPage: true,
  });
});
