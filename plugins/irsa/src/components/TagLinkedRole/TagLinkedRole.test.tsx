import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { allowedBinding, tagLinkedBinding } from '../__fixtures__/bindings';
import {
  isUnusedTagLinkedRole,
  provisionServiceAccountUrl,
  TagLinkedRole,
} from './TagLinkedRole';

describe('TagLinkedRole', () => {
  it('says no service account uses the role and links to the template, prefilled', async () => {
    await renderInTestApp(
      <TagLinkedRole
        binding={tagLinkedBinding}
        entityRef="component:default/payments-api"
      />,
    );
    const card = screen.getByTestId('irsa-tag-role-payments-reports');
    expect(card).toHaveTextContent(
      'Role linked by tag, no service account uses it yet',
    );
    expect(screen.getByTestId('irsa-role-console-link')).toHaveTextContent(
      'arn:aws:iam::123456789012:role/payments-reports',
    );
    const link = screen.getByTestId('irsa-provision-service-account');
    expect(link).toHaveTextContent('Provision service account');
    const url = new URL(link.getAttribute('href')!, 'http://localhost');
    expect(url.pathname).toBe('/create/templates/default/irsa-role');
    expect(JSON.parse(url.searchParams.get('formData')!)).toEqual({
      component: 'component:default/payments-api',
      cluster: 'demo-east',
      namespace: 'payments',
      serviceAccount: 'payments-reports',
    });
  });

  it('prefills only the component when the service account is a pattern', () => {
    const url = provisionServiceAccountUrl('component:default/x', {
      cluster: '*',
      namespace: 'payments',
      name: '*',
    });
    expect(
      JSON.parse(new URL(url, 'http://h').searchParams.get('formData')!),
    ).toEqual({ component: 'component:default/x', namespace: 'payments' });
  });

  it('applies to tag bindings without a service account only', () => {
    expect(isUnusedTagLinkedRole(tagLinkedBinding)).toBe(true);
    expect(isUnusedTagLinkedRole(allowedBinding)).toBe(false);
    expect(
      isUnusedTagLinkedRole({
        ...tagLinkedBinding,
        serviceAccountExists: true,
      }),
    ).toBe(false);
  });
});
