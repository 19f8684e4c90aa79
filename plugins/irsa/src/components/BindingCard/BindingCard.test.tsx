import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { fireEvent, screen, within } from '@testing-library/react';
import { analyzeTrust } from '@irsa-backstage/plugin-irsa-common';
import { irsaApiRef, type EntityBinding, type IrsaApi } from '../../api';
import {
  adminBinding,
  allowedBinding,
  deniedBinding,
  guideTrustPolicy,
  ISSUER,
  missingRoleBinding,
  PROVIDER_ARN,
  unreadableBinding,
} from '../__fixtures__/bindings';
import { BindingCard } from './BindingCard';

async function renderCard(binding: EntityBinding) {
  // The card asks nothing by itself; "Can it …?" asks on submit (CanItForm.test.tsx).
  const api = {} as IrsaApi;
  await renderInTestApp(
    <TestApiProvider apis={[[irsaApiRef, api]]}>
      <BindingCard binding={binding} />
    </TestApiProvider>,
  );
  const { namespace, name } = binding.serviceAccount;
  return screen.getByTestId(`irsa-binding-${namespace}-${name}`);
}

describe('BindingCard', () => {
  describe('a denied binding (namespace typo in the trust policy)', () => {
    it('shows the red verdict, the role and the highest severity', async () => {
      const card = await renderCard(deniedBinding);
      expect(card).toHaveTextContent('demo-east / orders / orders-worker');
      expect(within(card).getByTestId('irsa-role-arn')).toHaveTextContent(
        'arn:aws:iam::123456789012:role/orders-worker',
      );
      const verdict = within(card).getByTestId('irsa-verdict');
      expect(verdict.textContent).toMatch(/^Pods cannot assume this role/);
      expect(verdict).toHaveAttribute('data-verdict', 'denied');
      expect(verdict).toHaveTextContent(
        'STS refuses AssumeRoleWithWebIdentity for system:serviceaccount:orders:orders-worker',
      );
      expect(
        within(within(card).getByTestId('irsa-highest-severity')).getByTestId(
          'irsa-severity-high',
        ),
      ).toBeInTheDocument();
    });

    it('lists the finding with its code, severity, message and fix', async () => {
      const card = await renderCard(deniedBinding);
      const finding = within(card).getByTestId(
        'irsa-finding-TRUST_SUB_MISMATCH',
      );
      expect(finding).toHaveTextContent('TRUST_SUB_MISMATCH');
      expect(
        within(finding).getByTestId('irsa-severity-high'),
      ).toHaveTextContent('high');
      expect(finding).toHaveTextContent(
        'the namespace "order" in the condition is a typo away from this service account\'s "orders"',
      );
      expect(finding).toHaveTextContent(
        'Fix: Correct the value to "system:serviceaccount:orders:orders-worker"',
      );
      expect(finding).toHaveTextContent('statement 0');
    });

    it('offers the corrected trust policy to copy, once', async () => {
      const card = await renderCard(deniedBinding);
      const suggestions = within(card).getAllByTestId(
        'irsa-suggested-trust-policy',
      );
      expect(suggestions).toHaveLength(1);
      const [suggestion] = suggestions;
      expect(suggestion).toHaveTextContent(
        'Suggested trust policy (fixes TRUST_SUB_MISMATCH)',
      );
      expect(suggestion).toHaveTextContent(
        'aws iam update-assume-role-policy --role-name orders-worker --policy-document file://trust-policy.json',
      );
      expect(
        within(suggestion).getByRole('button', {
          name: 'Copy Suggested trust policy',
        }),
      ).toBeInTheDocument();
      expect(suggestion).toHaveTextContent(
        `"${ISSUER}:sub": "system:serviceaccount:orders:orders-worker"`,
      );
      expect(suggestion).not.toHaveTextContent('system:serviceaccount:order:');
    });

    it('opens "Why" with each condition, what it expects and what the token has', async () => {
      const card = await renderCard(deniedBinding);
      const why = within(card).getByTestId('irsa-why');
      expect(within(why).getByRole('button', { name: /Why/ })).toHaveAttribute(
        'aria-expanded',
        'true',
      );
      expect(within(why).getByTestId('irsa-trust-request')).toHaveTextContent(
        `${ISSUER}:subsystem:serviceaccount:orders:orders-worker`,
      );
      const statement = within(why).getByTestId('irsa-statement-0');
      expect(statement).toHaveTextContent(
        'Statement 0: Allow, does not apply to this request',
      );
      expect(
        within(statement).getByTestId('irsa-explanation-principal'),
      ).toHaveTextContent(`Federated: ${PROVIDER_ARN}`);
      expect(
        within(
          within(statement).getByTestId('irsa-explanation-principal'),
        ).getByLabelText('matched'),
      ).toBeInTheDocument();
      const [sub, aud] = within(statement).getAllByTestId(
        'irsa-explanation-condition',
      );
      expect(sub).toHaveTextContent(`Condition StringEquals${ISSUER}:sub`);
      expect(sub).toHaveTextContent(
        'system:serviceaccount:order:orders-workersystem:serviceaccount:orders:orders-worker',
      );
      expect(within(sub).getByLabelText('not matched')).toHaveTextContent('✗');
      expect(aud).toHaveTextContent(`${ISSUER}:aud`);
      expect(within(aud).getByLabelText('matched')).toHaveTextContent('✓');
    });

    it("shows the role's current trust policy decoded from IAM's URL encoding", async () => {
      const card = await renderCard(deniedBinding);
      const current = within(card).getByTestId('irsa-current-trust-policy');
      expect(
        within(current).getByRole('button', {
          name: 'Copy Current trust policy',
        }),
      ).toBeInTheDocument();
      expect(current).toHaveTextContent(
        '"Action": "sts:AssumeRoleWithWebIdentity"',
      );
      expect(current).not.toHaveTextContent('%22');
    });

    it('shows the injected pod and what the role may do', async () => {
      const card = await renderCard(deniedBinding);
      expect(
        within(card).getByTestId('irsa-pod-orders-worker-6f9c7-x2x8q'),
      ).toHaveTextContent('orders-worker-6f9c7-x2x8q: injected');
      const permissions = within(card).getByTestId('irsa-permissions');
      expect(permissions).toHaveTextContent('Managed policies: none');
      expect(permissions).toHaveTextContent('Inline policies: orders-queue');
      expect(permissions).toHaveTextContent(
        'Grants 1 Read, 1 Write actions on sqs.',
      );
      expect(permissions).toHaveTextContent('No risky permissions found.');
    });
  });

  describe('an allowed binding', () => {
    it('shows the green verdict with the statement that lets the token in', async () => {
      const card = await renderCard(allowedBinding);
      const verdict = within(card).getByTestId('irsa-verdict');
      expect(verdict.textContent).toMatch(/^Pods can assume this role/);
      expect(verdict).toHaveAttribute('data-verdict', 'allowed');
      expect(verdict).toHaveTextContent(
        'STS accepts the web-identity token of system:serviceaccount:payments:payments-api (trust policy statement 0).',
      );
      expect(
        within(card).queryByTestId('irsa-suggested-trust-policy'),
      ).toBeNull();
    });

    it('keeps "Why" collapsed', async () => {
      const card = await renderCard(allowedBinding);
      const why = within(card).getByTestId('irsa-why');
      expect(within(why).getByRole('button', { name: /Why/ })).toHaveAttribute(
        'aria-expanded',
        'false',
      );
      // drawn only when opened
      expect(within(why).queryByTestId('irsa-statement-0')).toBeNull();
      fireEvent.click(within(why).getByRole('button', { name: /Why/ }));
      expect(
        await within(why).findByTestId('irsa-statement-0'),
      ).toHaveTextContent('Statement 0: Allow, applies to this request');
    });

    it('still reports the pod the webhook missed and the risky permissions', async () => {
      const card = await renderCard(allowedBinding);
      expect(
        within(card).getByTestId('irsa-finding-POD_NOT_INJECTED'),
      ).toHaveTextContent('pod payments-api-5d8b9-old01');
      expect(
        within(card).getByTestId('irsa-pod-payments-api-5d8b9-old01'),
      ).toHaveTextContent('not injected');
      expect(
        within(card).getByTestId('irsa-finding-PERM_SERVICE_WILDCARD'),
      ).toHaveTextContent('policy payments-dynamodb');
      const permissions = within(card).getByTestId('irsa-permissions');
      expect(permissions).toHaveTextContent(
        'Managed policies: AmazonS3ReadOnlyAccess',
      );
      expect(permissions).toHaveTextContent(
        'Inline policies: payments-dynamodb',
      );
      expect(permissions).toHaveTextContent(
        'Permissions boundary: arn:aws:iam::123456789012:policy/irsa-boundary',
      );
      expect(permissions).toHaveTextContent('on dynamodb, s3.');
      expect(permissions).toHaveTextContent(
        'Risky permissions (see findings):PERM_SERVICE_WILDCARDPERM_WRITE_ON_ANY_RESOURCE',
      );
    });
  });

  describe('a binding whose role was not checked', () => {
    it('says "Not checked" when the annotated role does not exist', async () => {
      const card = await renderCard(missingRoleBinding);
      const verdict = within(card).getByTestId('irsa-verdict');
      expect(verdict.textContent).toMatch(/^Not checked/);
      expect(verdict).toHaveAttribute('data-verdict', 'unchecked');
      expect(verdict).toHaveTextContent('The annotated role does not exist');
      const finding = within(card).getByTestId(
        'irsa-finding-SA_ROLE_NOT_FOUND',
      );
      expect(finding).toHaveTextContent(
        'arn:aws:iam::123456789012:role/reports-job-gone, which does not exist',
      );
      expect(finding).toHaveTextContent('Fix: Create the role');
      expect(within(card).queryByTestId('irsa-why')).toBeNull();
      expect(within(card).queryByTestId('irsa-permissions')).toBeNull();
      expect(within(card).getByTestId('irsa-pods')).toHaveTextContent(
        'No pods run as this service account right now.',
      );
    });

    it('shows why part of the binding could not be read', async () => {
      const card = await renderCard(unreadableBinding);
      expect(within(card).getByTestId('irsa-verdict')).toHaveTextContent(
        'Not checkedThe role could not be read: No AWS credentials for account 999988887777',
      );
      expect(within(card).getByTestId('irsa-binding-error')).toHaveTextContent(
        'Part of this binding could not be read',
      );
      expect(
        within(card).getByTestId('irsa-highest-severity'),
      ).toHaveTextContent('No findings');
      expect(card).toHaveTextContent('No findings.');
    });

    it('says "no role annotation" for a service account without one', async () => {
      const card = await renderCard({
        serviceAccount: {
          cluster: 'demo-east',
          namespace: 'web',
          name: 'frontend',
        },
        source: 'annotation',
        serviceAccountExists: true,
        pods: [],
        findings: [],
      });
      expect(within(card).getByTestId('irsa-role-arn')).toHaveTextContent(
        'no role annotation',
      );
      expect(within(card).getByTestId('irsa-verdict')).toHaveTextContent(
        'has no eks.amazonaws.com/role-arn annotation',
      );
    });

    it('says the role annotation key is misspelt when that is why', async () => {
      const card = await renderCard({
        serviceAccount: {
          cluster: 'demo-east',
          namespace: 'billing',
          name: 'billing-exporter',
        },
        source: 'annotation',
        serviceAccountExists: true,
        pods: [],
        findings: [
          {
            code: 'SA_ANNOTATION_KEY_TYPO',
            severity: 'high',
            message:
              'Annotation "eks.amazon.com/role-arn" looks like a misspelling of "eks.amazonaws.com/role-arn".',
          },
        ],
      });
      const verdict = within(card).getByTestId('irsa-verdict');
      expect(verdict).toHaveAttribute('data-verdict', 'unchecked');
      expect(verdict).toHaveTextContent("role annotation's key is misspelt");
      expect(
        within(card).getByTestId('irsa-finding-SA_ANNOTATION_KEY_TYPO'),
      ).toHaveTextContent('eks.amazon.com/role-arn');
    });
  });

  it('shows every distinct suggestion of the findings when the verdict has none', async () => {
    const verdict = analyzeTrust({
      trustPolicy: guideTrustPolicy('order', 'orders-worker'),
      roleArn: deniedBinding.roleArn!,
      serviceAccount: { namespace: 'orders', name: 'orders-worker' },
      oidcIssuer: `https://${ISSUER}`,
    });
    const { suggestedTrustPolicy, ...withoutVerdictSuggestion } = verdict;
    expect(suggestedTrustPolicy).toBeDefined();
    const card = await renderCard({
      ...deniedBinding,
      verdict: withoutVerdictSuggestion,
      findings: verdict.findings,
    });
    expect(
      within(card).getAllByTestId('irsa-suggested-trust-policy'),
    ).toHaveLength(1);
  });

  it('draws the trust relationship, tables the permissions and offers "Can it …?" for a read role', async () => {
    const card = await renderCard(adminBinding);
    expect(within(card).getByTestId('irsa-role-console-link')).toHaveAttribute(
      'href',
      'https://console.aws.amazon.com/iam/home#/roles/details/admin-console',
    );
    expect(within(card).getByTestId('irsa-trust-diagram')).toBeInTheDocument();
    // the table stays as the detail
    expect(within(card).getByTestId('irsa-why')).toBeInTheDocument();
    const table = within(card).getByTestId('irsa-permissions-table');
    expect(
      within(table).getByTestId('irsa-permission-finding-PERM_ADMIN'),
    ).toBeInTheDocument();
    // a summary, never the service names one after the other
    expect(within(card).getByTestId('irsa-grants')).toHaveTextContent(
      /actions in \d{3} services\.$/,
    );
    expect(within(card).getByTestId('irsa-can-it')).toBeInTheDocument();
    expect(
      within(card).getByTestId('irsa-pod-admin-console-6b3a-old01'),
    ).toHaveAttribute('data-stale', 'true');
  });

  it('offers no permissions table or "Can it …?" without a role', async () => {
    const card = await renderCard(missingRoleBinding);
    expect(within(card).queryByTestId('irsa-permissions-table')).toBeNull();
    expect(within(card).queryByTestId('irsa-can-it')).toBeNull();
    expect(within(card).queryByTestId('irsa-trust-diagram')).toBeNull();
  });
});
