import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { irsaApiRef, type EntityBinding, type IrsaApi } from '../../api';
import { deniedBinding } from '../__fixtures__/bindings';
import { BindingList } from './BindingList';

/** The denied fixture under `count` service-account names. */
function deniedBindings(count: number): EntityBinding[] {
  return Array.from({ length: count }, (_, i) => ({
    ...deniedBinding,
    serviceAccount: { ...deniedBinding.serviceAccount, name: `worker-${i}` },
  }));
}

async function renderList(bindings: EntityBinding[]) {
  await renderInTestApp(
    <TestApiProvider apis={[[irsaApiRef, {} as IrsaApi]]}>
      <BindingList
        bindings={bindings}
        entityName="orders-worker"
        entityRef="component:default/orders-worker"
      />
    </TestApiProvider>,
  );
}

function whyExpanded(name: string): string | null {
  const card = screen.getByTestId(`irsa-binding-orders-${name}`);
  return within(within(card).getByTestId('irsa-why'))
    .getByRole('button', { name: /Why/ })
    .getAttribute('aria-expanded');
}

describe('BindingList', () => {
  it('opens the "Why" of a denied verdict when the entity has few service accounts', async () => {
    await renderList(deniedBindings(2));
    expect(whyExpanded('worker-0')).toBe('true');
  });

  it('keeps every card short past ten service accounts, verdict and findings still shown', async () => {
    await renderList(deniedBindings(11));
    expect(whyExpanded('worker-0')).toBe('false');
    expect(whyExpanded('worker-10')).toBe('false');
    const card = screen.getByTestId('irsa-binding-orders-worker-10');
    expect(within(card).getByTestId('irsa-verdict')).toHaveTextContent(
      /^Pods cannot assume this role/,
    );
    expect(
      within(card).getByTestId('irsa-finding-TRUST_SUB_MISMATCH'),
    ).toBeInTheDocument();
  });
});
