import { expect, test } from '@playwright/test';
import {
  createSandboxScratch,
  loadSettings,
} from '@irsa-backstage/sandbox-test-utils';
import { BACKEND, guestToken, openIrsaTab, signInAsGuest } from './helpers';

/** A name of this run, so that a rerun against the same sandbox starts fresh. */
const serviceAccount = `payments-reporter-${Date.now().toString(36)}`;

// What the template created is removed again, so the sandbox keeps only its seeded estate.
test.afterAll(async () => {
  const scratch = createSandboxScratch(loadSettings(), 'e2e');
  try {
    const sa = scratch.readServiceAccount('payments', serviceAccount);
    scratch.trackRole(sa.metadata.annotations['eks.amazonaws.com/role-arn']);
  } catch {
    // the run did not get as far as the service account
  }
  scratch.trackServiceAccount('payments', serviceAccount);
  await scratch.cleanup();
});

test('the guest runs the IRSA template for payments-api and the tab shows the new binding, allowed', async ({
  page,
}) => {
  await signInAsGuest(page);
  // The template is in the demo catalog, so it is offered on the Create page.
  await page.goto('/create');
  await expect(
    page.getByText('IAM role for a Kubernetes service account (IRSA)').first(),
  ).toBeVisible();
  await page.goto('/create/templates/default/irsa-role');

  // Only components the guest owns are offered (OwnedEntityPicker): team-payments'.
  const component = page.getByRole('textbox', {
    name: 'Component',
    exact: true,
  });
  await component.click();
  await expect(
    page.getByRole('option', { name: /payments-api/ }),
  ).toBeVisible();
  await expect(page.getByRole('option', { name: /admin-console/ })).toHaveCount(
    0,
  );
  await page.getByRole('option', { name: /payments-api/ }).click();
  await page
    .getByRole('textbox', { name: 'Namespace', exact: true })
    .fill('payments');
  await page
    .getByRole('textbox', { name: 'Service account name', exact: true })
    .fill(serviceAccount);
  await page.getByRole('button', { name: 'Next' }).click();

  await page
    .getByLabel('arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess')
    .check();
  await page.getByRole('button', { name: 'Review' }).click();
  await page.screenshot({
    path: 'e2e-screenshots/irsa-template-review.png',
    fullPage: true,
  });
  await page.getByRole('button', { name: 'Create' }).click();

  // The task's output: the role, its service account, and the verdict of the trust as read back.
  const output = page.getByText(/Pods can assume it:/);
  await expect(output).toBeVisible({ timeout: 60_000 });
  // Read inside the output's own paragraph: the task's log, when Backstage shows it, repeats names.
  await expect(output).toContainText(`payments/${serviceAccount}`);
  await expect(output).toContainText(/Pods can assume it:\s*true\b/);
  await page.screenshot({
    path: 'e2e-screenshots/irsa-template-done.png',
    fullPage: true,
  });

  await page.goto('/');
  await openIrsaTab(page, 'payments-api');
  const binding = page.getByTestId(`irsa-binding-payments-${serviceAccount}`);
  await expect(binding).toContainText(
    `irsa-demo-east-payments-${serviceAccount}`.slice(0, 40),
  );
  await expect(binding.getByTestId('irsa-verdict')).toHaveText(
    /^Pods can assume this role/,
  );
  await expect(
    binding.locator('[data-testid^="irsa-finding-TRUST_"]'),
  ).toHaveCount(0);
});

test("a run for another team's admin-console is refused with a clear message, through the scaffolder's API", async ({
  page,
}) => {
  await signInAsGuest(page);
  const token = await guestToken(page);
  // The form would not offer admin-console; the scaffolder's API takes any values.
  const res = await page.request.post(`${BACKEND}/api/scaffolder/v2/tasks`, {
    headers: { authorization: `Bearer ${token}` },
    data: {
      templateRef: 'template:default/irsa-role',
      values: {
        component: 'component:default/admin-console',
        cluster: 'demo-east',
        namespace: 'ops',
        serviceAccount: 'admin-console-extra',
      },
    },
  });
  expect(res.status()).toBe(201);
  const { id } = await res.json();
  await expect
    .poll(
      async () => {
        const task = await page.request.get(
          `${BACKEND}/api/scaffolder/v2/tasks/${id}`,
          {
            headers: { authorization: `Bearer ${token}` },
          },
        );
        return (await task.json()).status;
      },
      { timeout: 60_000 },
    )
    .toBe('failed');

  await page.goto(`/create/tasks/${id}`);
  await expect(
    page
      .getByText(
        'The IRSA backend answered 403 NotAllowedError: You may not provision IAM roles for component:default/admin-console',
      )
      .first(),
  ).toBeVisible();
  await page.screenshot({
    path: 'e2e-screenshots/irsa-template-refused.png',
    fullPage: true,
  });
});
