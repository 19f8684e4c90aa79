import { expect, test } from '@playwright/test';
import { expectAccessible, openIrsaTab, signInAsGuest } from './helpers';

test('"Can it …?" answers for payments-api: s3:GetObject allowed by its statement, iam:CreateUser denied implicitly', async ({
  page,
}) => {
  await signInAsGuest(page);
  await openIrsaTab(page, 'payments-api');
  const binding = page.getByTestId('irsa-binding-payments-payments-api');
  const form = binding.getByTestId('irsa-can-it');

  await form.getByLabel('Action').fill('s3:GetObject');
  await form
    .getByLabel('Resource')
    .fill('arn:aws:s3:::payments-reports/2026/11/report.csv');
  await form.getByTestId('irsa-can-it-submit').click();
  const allowed = form.getByTestId('irsa-can-it-result');
  await expect(allowed).toHaveAttribute('data-decision', 'allowed');
  await expect(allowed.getByTestId('irsa-can-it-deciding')).toContainText(
    'Allow',
  );
  await binding.screenshot({ path: 'e2e-screenshots/irsa-can-it.png' });

  await form.getByLabel('Action').fill('iam:CreateUser');
  await form.getByLabel('Resource').fill('*');
  await form.getByTestId('irsa-can-it-submit').click();
  const denied = form.getByTestId('irsa-can-it-result');
  await expect(denied).toHaveAttribute('data-decision', 'denied');
  await expect(denied).toHaveAttribute('data-reason', 'implicit-deny');
  await expectAccessible(
    page,
    '[data-testid="irsa-binding-payments-payments-api"]',
  );
});
