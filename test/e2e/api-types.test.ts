import fs from 'node:fs';
import { expect, test } from 'vitest';
import { apiTypesFile, generateApiTypes } from '../../scripts/generate-api-types.js';

// The web client is typed from the OpenAPI document; a route schema change without regenerating fails here.
test('web/src/lib/api-types.ts matches the server OpenAPI document (run `npx tsx scripts/generate-api-types.ts`)', async () => {
  const expected = await generateApiTypes();
  const committed = fs.readFileSync(apiTypesFile, 'utf8');
  expect(committed === expected, 'web/src/lib/api-types.ts is stale: run `npx tsx scripts/generate-api-types.ts` and commit it').toBe(true);
}, 60_000);
