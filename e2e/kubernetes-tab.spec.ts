import { expect, test } from '@playwright/test';
import { BACKEND, guestToken, signInAsGuest } from './helpers';

test('the Kubernetes plugin reads the cluster IRSA reads, configured once', async ({
  page,
}) => {
  await signInAsGuest(page);
  await page.goto('/catalog/default/component/payments-api/kubernetes');
  await expect(page.getByRole('button', { name: /demo-east/ })).toBeVisible();
  await expect(page.getByText('No pods with errors')).toBeVisible();
  await page.screenshot({
    path: 'e2e-screenshots/kubernetes-tab.png',
    fullPage: true,
  });

  // What the tab was given: the seeded pod of payments-api, found by its backstage.io/kubernetes-id label.
  const res = await page.request.post(
    `${BACKEND}/api/kubernetes/services/payments-api`,
    {
      headers: { authorization: `Bearer ${await guestToken(page)}` },
      data: {
        entity: {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: {
            name: 'payments-api',
            namespace: 'default',
            annotations: { 'backstage.io/kubernetes-id': 'payments-api' },
          },
        },
      },
    },
  );
  expect({
    status: res.status(),
    body: res.status() === 200 ? '' : await res.text(),
  }).toEqual({ status: 200, body: '' });
  const [cluster] = (await res.json()).items;
  expect(cluster.cluster.name).toBe('demo-east');
  expect(cluster.errors).toEqual([]);
  const pods = cluster.resources.find(
    (r: { type: string }) => r.type === 'pods',
  );
  expect(
    pods.resources.map((p: { metadata: { name: string } }) => p.metadata.name),
  ).toContain('payments-api-7d9f8b6c5-x2k4p');
});
