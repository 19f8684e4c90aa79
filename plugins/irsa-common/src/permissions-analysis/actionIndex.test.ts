import fc from 'fast-check';
import { actionPattern } from '../__testUtils__/actionPatterns';
import { CacheTables } from '../analysisCache';
import { compileWildcard, hasWildcard } from '../policy/wildcard';
import {
  allActionInfos,
  listIamServices,
  serviceActions,
} from './accessLevels';
import { expandActionInfos, expandActionPattern } from './actionIndex';

// Property tests scan the whole catalogue many times: room for a busy machine.
const PROPERTY_TIMEOUT_MS = 30_000;

/**
 * What the index replaces: the lower-cased pattern matched against every
 * `service:action` name of the catalogue, in table order; a literal the
 * table does not know comes back as it is.
 */
function scan(pattern: string): string[] {
  const lower = pattern.toLowerCase();
  const matches = compileWildcard(lower);
  const names = allActionInfos()
    .map(info => info.name)
    .filter(name => matches(name));
  return names.length === 0 && !hasWildcard(pattern) ? [lower] : names;
}

describe('the action index', () => {
  it(
    'expands a pattern to what a scan of the whole catalogue finds, in table order',
    () => {
      fc.assert(
        fc.property(actionPattern, pattern => {
          expect(expandActionPattern(pattern)).toEqual(scan(pattern));
        }),
        { numRuns: 300 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it.each([
    '*',
    '*:*',
    '*:*:*',
    's3*',
    '*get*',
    '*3:*',
    's?:*',
    ':*',
    's3:*:*',
    '?',
    '*?*',
    '',
    ':',
    'S3:GET*',
    'ec2:Describe*',
    'iam:*policy*',
    'iam:PassRole',
    'iam:NoSuchAction',
    'nosuchservice:*',
    'nosuchservice:Get*',
    'İam:*',
    '\u212Ams:Decrypt', // KELVIN SIGN: lower-cases to "k"
  ])('expands %j as a scan does', pattern => {
    expect(expandActionPattern(pattern)).toEqual(scan(pattern));
  });

  it('gives the same entries through a cache, a zero-size one and none', () => {
    fc.assert(
      fc.property(actionPattern, pattern => {
        const names = expandActionPattern(pattern);
        for (const cache of [new CacheTables(100), new CacheTables(0)]) {
          for (let round = 0; round < 2; round++) {
            const infos = expandActionInfos(pattern, cache);
            expect(infos.map(info => info.name)).toEqual(
              hasWildcard(pattern) || infos.length ? names : [],
            );
          }
        }
      }),
      { numRuns: 100 },
    );
  });

  it("numbers every action once, each service's consecutively in table order", () => {
    const all = allActionInfos();
    expect(new Set(all.map(info => info.id))).toEqual(
      new Set(all.map((_, i) => i)),
    );
    for (const service of listIamServices()) {
      const ids = [...serviceActions(service)!.values()].map(info => info.id);
      expect(ids).toEqual(ids.map((_, i) => ids[0] + i));
    }
  });
});
