import fc from 'fast-check';
import { AccessLevel, ActionInfo, allActionInfos } from './accessLevels';
import {
  actionsExcept,
  actionSetOf,
  countExcept,
  isSubset,
  summarizeUnion,
  unionOf,
} from './actionSet';

// Property tests scan the whole catalogue many times: room for a busy machine.
const PROPERTY_TIMEOUT_MS = 30_000;

const all = allActionInfos();

/**
 * Some actions of the catalogue: runs of neighbours (a service's actions,
 * whole words of bits and their edges) and single ones far apart; now and
 * then all of them.
 */
const actions: fc.Arbitrary<readonly ActionInfo[]> = fc.oneof(
  {
    weight: 9,
    arbitrary: fc
      .array(
        fc.tuple(fc.nat(all.length - 1), fc.integer({ min: 1, max: 80 })),
        { maxLength: 5 },
      )
      .map(runs => [
        ...new Set(runs.flatMap(([from, n]) => all.slice(from, from + n))),
      ]),
  },
  { weight: 1, arbitrary: fc.constant([...all]) },
);

/** What summarizeUnion says, the plain way: a set of the actions. */
function plainSummary(union: readonly ActionInfo[]) {
  const counts = new Map<AccessLevel, number>();
  const services = new Set<string>();
  for (const info of union) {
    counts.set(info.level, (counts.get(info.level) ?? 0) + 1);
    services.add(info.service);
  }
  return { counts, services: [...services].sort() };
}

describe('action sets', () => {
  it('hold exactly their actions', () => {
    fc.assert(
      fc.property(actions, infos => {
        const set = actionSetOf(infos);
        const members = new Set(infos);
        expect(all.filter(info => set.has(info))).toEqual(
          all.filter(info => members.has(info)),
        );
      }),
      { numRuns: 60 },
    );
  });

  it('summarise nothing as nothing', () => {
    expect(summarizeUnion([])).toEqual({ counts: new Map(), services: [] });
    expect(summarizeUnion([actionSetOf([])], actionSetOf(all))).toEqual({
      counts: new Map(),
      services: [],
    });
  });

  it(
    'unite, subtract, count and compare as sets of actions do',
    () => {
      fc.assert(
        fc.property(
          fc.array(actions, { minLength: 1, maxLength: 4 }),
          fc.option(actions),
          (lists, except) => {
            const sets = lists.map(actionSetOf);
            const excluded = new Set(except ?? []);
            const union = new Set(lists.flat());
            const left = [...union].filter(info => !excluded.has(info));
            const exceptSet = except ? actionSetOf(except) : undefined;
            const summary = summarizeUnion(sets, exceptSet);
            expect(summary).toEqual(plainSummary(left));
            const united = unionOf(sets);
            expect(all.filter(info => united.has(info))).toEqual(
              all.filter(info => union.has(info)),
            );
            expect(countExcept(united, exceptSet)).toBe(left.length);
            expect(isSubset(sets[0], united)).toBe(true);
            expect(isSubset(united, sets[0])).toBe(
              [...union].every(info => lists[0].includes(info)),
            );
          },
        ),
        { numRuns: 60 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it('leave what NotAction grants: the other actions of the kept services, in table order', () => {
    fc.assert(
      fc.property(actions, fc.string({ maxLength: 2 }), (infos, letters) => {
        const excluded = new Set(infos);
        const keep = (service: string) =>
          [...letters].some(c => service.includes(c));
        expect(actionsExcept(actionSetOf(infos), keep)).toEqual(
          all.filter(info => !excluded.has(info) && keep(info.service)),
        );
      }),
      { numRuns: 60 },
    );
  });
});
