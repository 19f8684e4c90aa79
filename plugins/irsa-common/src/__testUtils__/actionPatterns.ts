/**
 * Random Action element values for property tests: service and action names
 * of the catalogue, cut short, in mixed case and sprinkled with `*` and `?`;
 * unknown services; and the odd shapes (`*`, `*:*`, no colon, two colons).
 */
import fc from 'fast-check';
import {
  allActionInfos,
  listIamServices,
} from '../permissions-analysis/accessLevels';

const services = listIamServices();
const actions = allActionInfos();

/** Each character kept, dropped, upper-cased, or replaced by `*` or `?`. */
function mangled(text: string): fc.Arbitrary<string> {
  const chars = [...text];
  return fc
    .array(fc.integer({ min: 0, max: 11 }), {
      minLength: chars.length,
      maxLength: chars.length,
    })
    .map(rolls =>
      chars
        .map((c, i) => {
          const roll = rolls[i];
          if (roll === 0) return '*';
          if (roll === 1) return '?';
          if (roll === 2) return '';
          return roll < 6 ? c.toUpperCase() : c;
        })
        .join(''),
    );
}

/** As it is, mangled, or cut short and ended with `*`. */
function variantsOf(text: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return text.chain(t =>
    fc.oneof(
      fc.constant(t),
      mangled(t),
      fc.nat(t.length).map(n => `${t.slice(0, n)}*`),
    ),
  );
}

const serviceName = fc.oneof(
  { weight: 6, arbitrary: fc.nat(services.length - 1).map(i => services[i]) },
  {
    weight: 3,
    arbitrary: fc.constantFrom('s3', 'iam', 'ec2', 'sts', 's3express', 'kms'),
  },
  { weight: 1, arbitrary: fc.constantFrom('nosuchservice', 'S3X', '', '*') },
);

const actionName = fc
  .nat(actions.length - 1)
  .map(i => actions[i].name.slice(actions[i].service.length + 1));

const odd = fc.constantFrom(
  '*',
  '*:*',
  '*:*:*',
  ':*',
  '*:',
  ':',
  '',
  '?',
  '*?*',
  's3*',
  '*get*',
  '*3:*',
  's3:*:*',
  'iam:pass*:x',
  'İam:*',
  '\u212Ams:*', // KELVIN SIGN: lower-cases to "k"
);

/** An Action or NotAction value. */
export const actionPattern: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .tuple(variantsOf(serviceName), variantsOf(actionName))
      .map(([service, action]) => `${service}:${action}`),
  },
  {
    weight: 2,
    arbitrary: variantsOf(fc.nat(actions.length - 1).map(i => actions[i].name)),
  },
  { weight: 1, arbitrary: odd },
);
