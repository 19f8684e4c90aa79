import {
  parseLabelSelector,
  validateEntitySelector,
  validateLabelKey,
  validateLabelValue,
} from './labelSelector';

describe('parseLabelSelector', () => {
  it.each([
    ['app=web', [{ key: 'app', operator: '=', values: ['web'] }]],
    ['app == web', [{ key: 'app', operator: '==', values: ['web'] }]],
    ['app!=web', [{ key: 'app', operator: '!=', values: ['web'] }]],
    ['app=', [{ key: 'app', operator: '=', values: [''] }]],
    ['backstage.io/kubernetes-id=payments-api', [{ key: 'backstage.io/kubernetes-id', operator: '=', values: ['payments-api'] }]],
    ['tier in (a, b_2,c.d)', [{ key: 'tier', operator: 'in', values: ['a', 'b_2', 'c.d'] }]],
    ['tier notin (a)', [{ key: 'tier', operator: 'notin', values: ['a'] }]],
    ['canary', [{ key: 'canary', operator: 'exists', values: [] }]],
    ['!canary', [{ key: 'canary', operator: '!exists', values: [] }]],
    ['replicas > 2', [{ key: 'replicas', operator: '>', values: ['2'] }]],
    [
      ' app = web , !canary,tier in (x) ',
      [
        { key: 'app', operator: '=', values: ['web'] },
        { key: 'canary', operator: '!exists', values: [] },
        { key: 'tier', operator: 'in', values: ['x'] },
      ],
    ],
  ])('parses %j', (selector, requirements) => {
    expect(parseLabelSelector(selector)).toEqual({ requirements });
  });

  it.each([
    ['', /is empty/],
    ['   ', /is empty/],
    ['app=web,', /expected a label key, got the end/],
    [',app=web', /expected a label key, got ","/],
    ['app=web tier=x', /expected "," between requirements, got "tier"/],
    ['app in (a', /expected "\)" to close the values of "app", got the end/],
    ['app in a', /expected "\(" after "app in", got "a"/],
    ['app in ()', /the values of "app" must not be empty/],
    ['app=-web', /label value "-web" must be/],
    ['app=a b', /expected "," between requirements, got "b"/],
    ['-app=web', /label key "-app" must be/],
    ['Bad_Prefix.io/app=web', /label key "Bad_Prefix.io\/app" has an invalid prefix/],
    ['a/b/c=web', /label key "a\/b\/c" must be/],
    [`app=${'v'.repeat(64)}`, /label value "v{64}" must be at most 63/],
    ['app > x', /"app >" needs a whole number, got "x"/],
    ['app ! web', /unexpected "!" after "app"/],
    ['app==web)', /expected "," between requirements, got "\)"/],
    [`app=${'a,'.repeat(3000)}`, /is longer than 4096 characters/],
  ])('refuses %j', (selector, problem) => {
    const parsed = parseLabelSelector(selector);
    expect(parsed).toEqual({ problem: expect.stringMatching(problem) });
  });

  it('takes linear time on hostile input', () => {
    const hostile = `${'a'.repeat(4000)}!`;
    const started = performance.now();
    for (let i = 0; i < 200; i++) parseLabelSelector(hostile);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('validateEntitySelector', () => {
  it('accepts selectors that pin a label to a value', () => {
    expect(validateEntitySelector('app=web')).toBeUndefined();
    expect(validateEntitySelector('app in (a,b), !canary')).toBeUndefined();
  });

  it('refuses selectors that would match most of a cluster', () => {
    expect(validateEntitySelector('app!=web')).toMatch(/pins no label to a value/);
    expect(validateEntitySelector('app, !canary')).toMatch(/pins no label to a value/);
    expect(validateEntitySelector('app notin (a)')).toMatch(/pins no label to a value/);
  });
});

describe('label keys and values', () => {
  it('checks keys', () => {
    expect(validateLabelKey('app.kubernetes.io/name')).toBeUndefined();
    expect(validateLabelKey('a')).toBeUndefined();
    expect(validateLabelKey('/name')).toMatch(/invalid prefix/);
    expect(validateLabelKey('example.com/')).toMatch(/must be at most 63/);
  });

  it('checks values', () => {
    expect(validateLabelValue('')).toBeUndefined();
    expect(validateLabelValue('payments-api')).toBeUndefined();
    expect(validateLabelValue('payments api')).toMatch(/must be/);
    expect(validateLabelValue('x/y')).toMatch(/must be/);
  });
});
