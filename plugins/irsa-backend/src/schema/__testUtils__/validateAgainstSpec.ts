/*
 * Validates values against a schema of src/schema/openapi.yaml at run time.
 * The generated types check the shapes the code builds at compile time; this
 * checks the JSON that actually goes out, e.g. that no field the spec does not
 * allow (every response schema has additionalProperties: false) slips through.
 */
import Ajv2020 from 'ajv/dist/2020';
import { spec } from '../openapi/generated/router';

const SPEC_ID = 'irsa-openapi';
let ajv: Ajv2020 | undefined;

/** The names of the spec's component schemas. */
export type SpecSchemaName = keyof (typeof spec)['components']['schemas'];

/**
 * The problems of `value` against `#/components/schemas/<name>`, as
 * `path: message` strings; empty when it is valid.
 */
export function validateAgainstSpec(
  name: SpecSchemaName,
  value: unknown,
): string[] {
  if (!ajv) {
    // OpenAPI 3.1 schemas are JSON Schema 2020-12; the document around them
    // (info, paths, ...) is not a schema, hence strict: false.
    ajv = new Ajv2020({ strict: false, allErrors: true });
    ajv.addSchema(JSON.parse(JSON.stringify(spec)), SPEC_ID);
  }
  const validate = ajv.getSchema(`${SPEC_ID}#/components/schemas/${name}`);
  if (!validate) {
    throw new Error(`No schema ${name} in the OpenAPI spec`);
  }
  // Through JSON, as it goes over the wire (undefined fields disappear).
  if (validate(JSON.parse(JSON.stringify(value)))) {
    return [];
  }
  return (validate.errors ?? []).map(
    e =>
      `${e.instancePath || '/'}: ${e.message}${
        e.params && 'additionalProperty' in e.params
          ? ` (${e.params.additionalProperty})`
          : ''
      }`,
  );
}
