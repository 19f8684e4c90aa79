import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import {
  BACKEND,
  expectAccessible,
  guestToken,
  signInAsGuest,
} from './helpers';

test('the review page groups the inventory by owner, marks a binding reviewed and exports the view as CSV', async ({
  page,
}) => {
  await signInAsGuest(page);
  // the sidebar item of the page
  await page.getByRole('link', { name: 'IRSA review' }).click();
  await expect(page).toHaveURL(/\/irsa$/);

  // every seeded binding is grouped under its owner; the inventory runs once the backend is up
  const payments = page
    .getByTestId('irsa-review-group')
    .and(page.locator('[data-owner="group:default/team-payments"]'));
  await expect(payments).toBeVisible({ timeout: 60_000 });
  const row = payments
    .getByTestId('irsa-review-binding')
    .filter({ hasText: 'payments-api' })
    .filter({ hasText: 'irsa-demo-payments-api' });
  await expect(row).toHaveCount(1);
  await expect(
    page
      .getByTestId('irsa-review-group')
      .and(page.locator('[data-owner="group:default/team-platform"]'))
      .getByTestId('irsa-review-finding-TRUST_SUB_WILDCARD_CLUSTER'),
  ).toBeVisible();
  await expectAccessible(page, 'main');
  await page.screenshot({ path: 'e2e-screenshots/irsa-review-page.png' });

  // the guest is in team-payments, which owns payments-api: it may mark the binding reviewed
  const comment = `checked by the e2e run ${Date.now().toString(36)}`;
  await row.getByTestId('irsa-review-mark').click();
  const dialog = page.getByTestId('irsa-review-dialog');
  await dialog.getByTestId('irsa-review-comment').fill(comment);
  await dialog.getByTestId('irsa-review-submit').click();
  await expect(dialog).toHaveCount(0);
  const status = row.getByTestId('irsa-review-status');
  await expect(status).toHaveAttribute('data-state', 'reviewed');
  await expect(status).toContainText('user:default/guest');
  // recorded by the backend, with the comment
  const reviews = await page.request.get(
    `${BACKEND}/api/irsa/reviews?namespace=payments`,
    { headers: { authorization: `Bearer ${await guestToken(page)}` } },
  );
  expect((await reviews.json()).items.map((r: any) => r.comment)).toContain(
    comment,
  );
  await payments.screenshot({ path: 'e2e-screenshots/irsa-review-marked.png' });

  // the CSV is the current view: filter to one namespace, then export
  await page.getByTestId('irsa-filter-namespace').fill('payments');
  await page.getByTestId('irsa-filter-apply').click();
  await expect(page).toHaveURL(/namespace=payments/);
  await expect(page.getByTestId('irsa-review-group')).toHaveCount(1);
  const download = page.waitForEvent('download');
  await page.getByTestId('irsa-review-export-csv').click();
  const csv = readFileSync(await (await download).path(), 'utf8');
  const lines = csv.trim().split(/\r?\n/);
  expect(lines[0]).toMatch(/namespace/i);
  expect(lines.slice(1).every(line => line.includes('payments'))).toBe(true);
  expect(csv).toContain('irsa-demo-payments-api');
  expect(csv).not.toContain('irsa-demo-kaniko');
});
