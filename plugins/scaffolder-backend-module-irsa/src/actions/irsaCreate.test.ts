import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { createIrsaCreateAction } from './irsaCreate';

describe('aws:irsa:create', () => {
  const input = {
    entityRef: 'component:default/payments-api',
    cluster: 'demo-east',
    namespace: 'payments',
    serviceAccount: 'payments-reporter',
  };

  it.each([false, true])(
    'says it is not available yet instead of pretending to work (dry run: %s)',
    async isDryRun => {
      const action = createIrsaCreateAction();
      const ctx = createMockActionContext({ input, isDryRun });
      await expect(action.handler(ctx)).rejects.toMatchObject({
        name: 'NotImplementedError',
        message: expect.stringContaining('not available yet'),
      });
      expect(ctx.output).not.toHaveBeenCalled();
    },
  );
});
