import { readEntityLinks } from './entityLinks';

describe('readEntityLinks', () => {
  it('links by kubernetes-id, in every namespace', () => {
    expect(readEntityLinks({ 'backstage.io/kubernetes-id': 'payments-api' })).toEqual({
      explicit: [],
      selector: 'backstage.io/kubernetes-id=payments-api',
      problems: [],
    });
  });

  it('prefers the label selector over kubernetes-id, and keeps a valid namespace', () => {
    expect(
      readEntityLinks({
        'backstage.io/kubernetes-id': 'ignored',
        'backstage.io/kubernetes-label-selector': 'app=web,tier in (api)',
        'backstage.io/kubernetes-namespace': 'payments',
      }),
    ).toEqual({ explicit: [], selector: 'app=web,tier in (api)', namespace: 'payments', problems: [] });
  });

  it('reads the explicit annotation, skipping empty entries', () => {
    expect(
      readEntityLinks({ 'irsa.backstage.io/service-accounts': 'demo-east/ci/kaniko, */payments/api.v2 ,' }),
    ).toEqual({
      explicit: [
        { cluster: 'demo-east', namespace: 'ci', name: 'kaniko' },
        { cluster: '*', namespace: 'payments', name: 'api.v2' },
      ],
      problems: [],
    });
  });

  it('reports bad explicit entries by value and keeps the good ones', () => {
    const links = readEntityLinks({
      'irsa.backstage.io/service-accounts': 'malformed, demo-east/Payments/api, */ns/Bad_Name, /ns/x, demo-east/ci/kaniko',
    });
    expect(links.explicit).toEqual([{ cluster: 'demo-east', namespace: 'ci', name: 'kaniko' }]);
    expect(links.problems).toEqual([
      'Annotation irsa.backstage.io/service-accounts entry "malformed": must be cluster/namespace/name (cluster may be "*")',
      expect.stringMatching(/^Annotation irsa.backstage.io\/service-accounts entry "demo-east\/Payments\/api": namespace "Payments" must consist of/),
      expect.stringMatching(/^Annotation irsa.backstage.io\/service-accounts entry "\*\/ns\/Bad_Name": service account name "Bad_Name" must consist of/),
      'Annotation irsa.backstage.io/service-accounts entry "/ns/x": must be cluster/namespace/name (cluster may be "*")',
    ]);
  });

  it.each([
    ['empty', ''],
    ['unparsable', 'app in (a'],
    ['negative only', 'app!=web'],
  ])('never turns an %s label selector into a list', (_, selector) => {
    const links = readEntityLinks({
      'backstage.io/kubernetes-label-selector': selector,
      'backstage.io/kubernetes-id': 'payments-api',
    });
    expect(links.selector).toBeUndefined();
    expect(links.problems).toEqual([
      expect.stringMatching(
        new RegExp(`^Annotation backstage.io/kubernetes-label-selector value ${JSON.stringify(selector).replace(/[()!]/g, '\\$&')} is not usable: `),
      ),
    ]);
  });

  it.each(['', 'payments api', 'x'.repeat(64)])('refuses kubernetes-id %j', id => {
    const links = readEntityLinks({ 'backstage.io/kubernetes-id': id });
    expect(links.selector).toBeUndefined();
    expect(links.problems).toEqual([
      expect.stringMatching(/^Annotation backstage.io\/kubernetes-id value ".*" is not a label value: /),
    ]);
  });

  it('does not widen to all namespaces when the namespace is invalid', () => {
    const links = readEntityLinks({
      'backstage.io/kubernetes-id': 'payments-api',
      'backstage.io/kubernetes-namespace': 'Payments_NS',
    });
    expect(links.selector).toBeUndefined();
    expect(links.namespace).toBeUndefined();
    expect(links.problems).toEqual([
      expect.stringMatching(
        /^Annotation backstage.io\/kubernetes-namespace value "Payments_NS": namespace "Payments_NS" must .*; service accounts were not looked up by label$/,
      ),
    ]);
  });

  it('shortens and escapes the bad value it quotes', () => {
    const [problem] = readEntityLinks({ 'backstage.io/kubernetes-id': `"${'x'.repeat(500)}` }).problems;
    expect(problem).toContain('value "\\"xxx');
    expect(problem).toContain('…"');
    expect(problem.length).toBeLessThan(400);
  });
});
