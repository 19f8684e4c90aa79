import { UrlPatternDiscovery } from '@backstage/core-app-api';
import {
  AuthorizeResult,
  EvaluatePermissionRequest,
} from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  MockFetchApi,
  MockPermissionApi,
  registerMswTestHooks,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import type {
  InventoryBinding,
  Review,
} from '@irsa-backstage/plugin-irsa-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { useLocation } from 'react-router-dom';
import { IrsaClient, irsaApiRef } from '../../api';
import { ReviewContent } from './ReviewPage';

const BASE = 'http://localhost:7007/api/irsa';
const REFRESHED = '2026-11-30T10:00:00.000Z';

function binding(fields: Partial<InventoryBinding>): InventoryBinding {
  return {
    id: fields.serviceAccount ?? fields.roleArn ?? 'x',
    source: 'annotation',
    findings: [],
    stale: false,
    refreshedAt: REFRESHED,
    ...fields,
  };
}

const payments = binding({
  cluster: 'demo-east',
  namespace: 'payments',
  serviceAccount: 'payments-api',
  roleArn: 'arn:aws:iam::123456789012:role/irsa-demo-payments-api',
  entityRef: 'component:default/payments-api',
  owner: 'group:default/team-payments',
  roleHash: 'aaaaaaaa',
});
const kaniko = binding({
  cluster: 'demo-east',
  namespace: 'ci',
  serviceAccount: 'kaniko',
  roleArn: 'arn:aws:iam::123456789012:role/irsa-demo-kaniko',
  entityRef: 'component:default/kaniko',
  owner: 'group:default/team-platform',
  severity: 'critical',
  findings: [
    {
      code: 'TRUST_SUB_WILDCARD_CLUSTER',
      severity: 'critical',
      message: 'any service account',
    },
    { code: 'PERM_SERVICE_WILDCARD', severity: 'medium', message: 'ecr:*' },
  ],
});
const orders = binding({
  cluster: 'demo-east',
  namespace: 'orders',
  serviceAccount: 'orders-worker',
  roleArn: 'arn:aws:iam::123456789012:role/irsa-demo-orders-worker',
  entityRef: 'component:default/orders-worker',
  owner: 'group:default/team-orders',
  severity: 'high',
  findings: [
    { code: 'TRUST_SUB_MISMATCH', severity: 'high', message: 'sub typo' },
  ],
});
const orphan = binding({
  source: 'tag',
  id: 'orphan',
  roleArn: 'arn:aws:iam::123456789012:role/orphan',
  severity: 'low',
  findings: [
    { code: 'ROLE_NO_SERVICE_ACCOUNT', severity: 'low', message: 'unused' },
  ],
});

function reviewOf(b: InventoryBinding, fields: Partial<Review> = {}): Review {
  return {
    id: '1',
    createdAt: '2026-11-29T08:00:00.000Z',
    reviewer: 'user:default/guest',
    comment: 'checked',
    cluster: b.cluster,
    namespace: b.namespace,
    serviceAccount: b.serviceAccount,
    roleArn: b.roleArn!,
    reviewedHash: 'aaaaaaaa',
    stale: false,
    ...fields,
  };
}

/** Shows the page's URL search, to check the filters land there. */
const LocationSearch = () => (
  <span data-testid="location-search">{useLocation().search}</span>
);

describe('ReviewContent', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  /** The backend's answers; records every query the page sent. */
  function backend(options: {
    bindings: InventoryBinding[];
    reviews?: Review[];
    bindingsStatus?: number;
  }) {
    const calls = {
      bindings: [] as URLSearchParams[],
      reviews: [] as URLSearchParams[],
      posted: [] as object[],
    };
    let reviews = options.reviews ?? [];
    server.use(
      http.get(`${BASE}/bindings`, ({ request }) => {
        calls.bindings.push(new URL(request.url).searchParams);
        if (options.bindingsStatus) {
          return HttpResponse.json(
            {
              error: { name: 'Error', message: 'the database is down' },
              request: { method: 'GET', url: '/bindings' },
              response: { statusCode: options.bindingsStatus },
            },
            { status: options.bindingsStatus },
          );
        }
        return HttpResponse.json({
          items: options.bindings,
          refreshedAt: REFRESHED,
          sources: [
            {
              kind: 'cluster',
              name: 'demo-east',
              stale: false,
              refreshedAt: REFRESHED,
            },
          ],
        });
      }),
      http.get(`${BASE}/reviews`, ({ request }) => {
        calls.reviews.push(new URL(request.url).searchParams);
        return HttpResponse.json({ items: reviews });
      }),
      http.post(`${BASE}/reviews`, async ({ request }) => {
        const body = (await request.json()) as Review;
        calls.posted.push(body);
        const created = reviewOf(payments, {
          id: String(calls.posted.length + 10),
          comment: body.comment,
          createdAt: '2026-11-30T12:00:00.000Z',
        });
        reviews = [created, ...reviews];
        return HttpResponse.json(created, { status: 201 });
      }),
    );
    return calls;
  }

  async function renderPage(url = '/irsa') {
    const permissionApi = new MockPermissionApi(
      (request: EvaluatePermissionRequest) =>
        'resourceRef' in request &&
        request.resourceRef === 'component:default/orders-worker'
          ? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
    );
    const client = new IrsaClient({
      discoveryApi: UrlPatternDiscovery.compile(
        'http://localhost:7007/api/{{ pluginId }}',
      ),
      fetchApi: new MockFetchApi(),
    });
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [irsaApiRef, client],
          [permissionApiRef, permissionApi],
        ]}
      >
        <ReviewContent />
        <LocationSearch />
      </TestApiProvider>,
      { routeEntries: [url] },
    );
  }

  const group = (title: string) =>
    screen
      .getAllByTestId('irsa-review-group')
      .find(g => g.getAttribute('data-owner') === title)!;
  const rowOf = (name: string) =>
    screen
      .getAllByTestId('irsa-review-binding')
      .find(r => within(r).queryByText(name))!;

  it('groups the bindings by owner, the unowned last, with severity counts, finding codes and review status', async () => {
    backend({
      bindings: [payments, kaniko, orders, orphan],
      reviews: [
        reviewOf(payments),
        reviewOf(kaniko, { id: '2', stale: true, currentHash: 'cccccccc' }),
      ],
    });
    await renderPage();
    await screen.findAllByTestId('irsa-review-group');
    expect(
      screen
        .getAllByTestId('irsa-review-group')
        .map(g => g.getAttribute('data-owner')),
    ).toEqual([
      'group:default/team-orders',
      'group:default/team-payments',
      'group:default/team-platform',
      'Unowned',
    ]);
    const platform = group('group:default/team-platform');
    expect(
      within(platform).getByTestId('irsa-review-count-critical'),
    ).toHaveTextContent('1');
    expect(
      within(platform).getByTestId(
        'irsa-review-finding-TRUST_SUB_WILDCARD_CLUSTER',
      ),
    ).toHaveTextContent('TRUST_SUB_WILDCARD_CLUSTER');
    expect(
      within(platform).getByTestId('irsa-review-finding-PERM_SERVICE_WILDCARD'),
    ).toHaveTextContent('medium');
    expect(
      within(rowOf('demo-east/payments/payments-api')).getByTestId(
        'irsa-review-status',
      ),
    ).toHaveTextContent('Reviewed by user:default/guest, 2026-11-29');
    const stale = within(rowOf('demo-east/ci/kaniko')).getByTestId(
      'irsa-review-status',
    );
    expect(stale).toHaveTextContent('Stale: changed since review');
    expect(stale).toHaveAttribute('data-state', 'stale');
    expect(
      within(group('Unowned')).getByTestId('irsa-review-status'),
    ).toHaveTextContent('Not reviewed');
    expect(
      within(group('Unowned')).getByTestId(
        'irsa-review-finding-ROLE_NO_SERVICE_ACCOUNT',
      ),
    ).toBeInTheDocument();
    expect(screen.getByTestId('irsa-review-refreshed')).toHaveTextContent(
      `Inventory last refreshed ${new Date(REFRESHED).toLocaleString()}`,
    );
  });

  it("sends the URL's filters to GET /bindings and /reviews, and puts applied filters into the URL", async () => {
    const calls = backend({ bindings: [kaniko] });
    await renderPage('/irsa?cluster=demo-east&severity=high&code=PERM_ADMIN');
    await screen.findAllByTestId('irsa-review-group');
    expect(Object.fromEntries(calls.bindings[0])).toEqual({
      cluster: 'demo-east',
      severity: 'high',
      code: 'PERM_ADMIN',
      limit: '500',
    });
    expect(Object.fromEntries(calls.reviews[0])).toEqual({
      cluster: 'demo-east',
      limit: '500',
    });
    expect(screen.getByLabelText('Cluster')).toHaveValue('demo-east');

    fireEvent.change(screen.getByLabelText('Namespace'), {
      target: { value: 'ci' },
    });
    fireEvent.change(screen.getByLabelText('Owner', { exact: false }), {
      target: { value: 'none' },
    });
    fireEvent.click(screen.getByTestId('irsa-filter-apply'));
    await waitFor(() => expect(calls.bindings).toHaveLength(2));
    expect(Object.fromEntries(calls.bindings[1])).toEqual({
      owner: 'none',
      cluster: 'demo-east',
      namespace: 'ci',
      severity: 'high',
      code: 'PERM_ADMIN',
      limit: '500',
    });
    expect(screen.getByTestId('location-search')).toHaveTextContent(
      '?owner=none&cluster=demo-east&namespace=ci&severity=high&code=PERM_ADMIN',
    );

    // The selects open from the keyboard and pick by their labels.
    fireEvent.keyDown(screen.getByTestId('irsa-filter-severity'), {
      key: 'ArrowDown',
    });
    fireEvent.click(
      within(await screen.findByRole('listbox')).getByRole('option', {
        name: 'critical',
      }),
    );
    fireEvent.click(screen.getByTestId('irsa-filter-apply'));
    await waitFor(() => expect(calls.bindings).toHaveLength(3));
    expect(calls.bindings[2].get('severity')).toBe('critical');

    fireEvent.click(screen.getByTestId('irsa-filter-clear'));
    await waitFor(() => expect(calls.bindings).toHaveLength(4));
    expect(Object.fromEntries(calls.bindings[3])).toEqual({ limit: '500' });
    expect(screen.getByTestId('location-search')).toHaveTextContent(/^$/);
  });

  it('marks a binding reviewed with a comment and shows the new status', async () => {
    const calls = backend({ bindings: [payments] });
    await renderPage();
    const row = await waitFor(() => rowOf('demo-east/payments/payments-api'));
    expect(within(row).getByTestId('irsa-review-status')).toHaveTextContent(
      'Not reviewed',
    );
    const mark = within(row).getByTestId('irsa-review-mark');
    await waitFor(() => expect(mark).toBeEnabled());
    fireEvent.click(mark);
    const dialog = await screen.findByTestId('irsa-review-dialog');
    const submit = within(dialog).getByTestId('irsa-review-submit');
    expect(submit).toBeDisabled();
    fireEvent.change(
      within(dialog).getByLabelText('Comment', { exact: false }),
      {
        target: { value: '  read-only S3, scoped trust ' },
      },
    );
    fireEvent.click(submit);
    await waitFor(() =>
      expect(
        within(rowOf('demo-east/payments/payments-api')).getByTestId(
          'irsa-review-status',
        ),
      ).toHaveTextContent('Reviewed by user:default/guest, 2026-11-30'),
    );
    expect(calls.posted).toEqual([
      {
        cluster: 'demo-east',
        namespace: 'payments',
        serviceAccount: 'payments-api',
        roleArn: payments.roleArn,
        comment: 'read-only S3, scoped trust',
      },
    ]);
    expect(screen.queryByTestId('irsa-review-dialog')).not.toBeInTheDocument();
  });

  it('leaves a binding of no entity to the backend, and shows its refusal in the dialog', async () => {
    backend({ bindings: [orphan] });
    server.use(
      http.post(`${BASE}/reviews`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'NotAllowedError',
              message:
                'You may not review IRSA bindings without an owner (irsa.review.create)',
            },
            request: { method: 'POST', url: '/reviews' },
            response: { statusCode: 403 },
          },
          { status: 403 },
        ),
      ),
    );
    await renderPage();
    const mark = await screen.findByTestId('irsa-review-mark');
    expect(mark).toBeEnabled();
    fireEvent.click(mark);
    const dialog = await screen.findByTestId('irsa-review-dialog');
    fireEvent.change(
      within(dialog).getByLabelText('Comment', { exact: false }),
      { target: { value: 'unused role' } },
    );
    fireEvent.click(within(dialog).getByTestId('irsa-review-submit'));
    expect(
      await within(dialog).findByTestId('irsa-review-error'),
    ).toHaveTextContent(
      'You may not review IRSA bindings without an owner (irsa.review.create)',
    );
  });

  it('disables "Mark reviewed" with the reason when the user may not review the entity', async () => {
    backend({ bindings: [orders, payments] });
    await renderPage();
    const row = await waitFor(() => rowOf('demo-east/orders/orders-worker'));
    await waitFor(() =>
      expect(within(row).getByTestId('irsa-review-denied')).toHaveTextContent(
        "You may not review component:default/orders-worker's bindings",
      ),
    );
    expect(within(row).getByTestId('irsa-review-mark')).toBeDisabled();
    expect(
      within(rowOf('demo-east/payments/payments-api')).getByTestId(
        'irsa-review-mark',
      ),
    ).toBeEnabled();
  });

  it('exports the current view as CSV', async () => {
    backend({ bindings: [kaniko, orphan], reviews: [reviewOf(kaniko)] });
    const blobs: Blob[] = [];
    URL.createObjectURL = jest.fn((blob: Blob) => {
      blobs.push(blob);
      return 'blob:irsa';
    });
    URL.revokeObjectURL = jest.fn();
    // jsdom cannot navigate to a blob: URL; the file name is what the browser saves.
    const downloads: string[] = [];
    jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(function record(this: HTMLAnchorElement) {
        downloads.push(this.download);
      });
    await renderPage();
    await screen.findAllByTestId('irsa-review-group');
    fireEvent.click(screen.getByTestId('irsa-review-export-csv'));
    expect(blobs).toHaveLength(1);
    const text = await blobs[0].text();
    expect(downloads).toEqual([
      expect.stringMatching(/^irsa-review-\d{4}-\d\d-\d\d\.csv$/),
    ]);
    const lines = text.split('\r\n');
    expect(lines[0]).toMatch(/^owner,entity,cluster,namespace,/);
    expect(lines[1]).toBe(
      'group:default/team-platform,component:default/kaniko,demo-east,ci,kaniko,arn:aws:iam::123456789012:role/irsa-demo-kaniko,critical,TRUST_SUB_WILDCARD_CLUSTER PERM_SERVICE_WILDCARD,reviewed,user:default/guest,2026-11-29T08:00:00.000Z,checked',
    );
    expect(lines[2]).toBe(
      'Unowned,,,,,arn:aws:iam::123456789012:role/orphan,low,ROLE_NO_SERVICE_ACCOUNT,not reviewed,,,',
    );
    expect(lines).toHaveLength(4);
  });

  it('shows an empty state when no binding matches', async () => {
    backend({ bindings: [] });
    await renderPage('/irsa?owner=group:default/nobody');
    expect(await screen.findByTestId('irsa-review-empty')).toHaveTextContent(
      'No bindings',
    );
    expect(screen.getByTestId('irsa-review-export-csv')).toBeDisabled();
  });

  it("shows the backend's error", async () => {
    backend({ bindings: [], bindingsStatus: 500 });
    await renderPage();
    expect(
      await screen.findByTestId('irsa-review-error-panel'),
    ).toHaveTextContent('the database is down');
  });
});
