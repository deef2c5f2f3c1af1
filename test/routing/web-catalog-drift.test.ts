import { describe, expect, it } from 'vitest';
import { OPERATORS, OPS_BY_KIND } from '../../src/routing/core/conditions.js';
import { FIELD_CATALOGS, PRIORITIES, RELATIONS } from '../../src/routing/core/ruleset.js';
import { ReassignSchema } from '../../src/routing/schemas.js';
import * as web from '../../web/src/features/routing/catalog.js';

// The rule editor carries a copy of the DSL's vocabulary so it can offer fields and operators offline;
// the server stays the authority, and this test keeps the copy honest.
describe('the web rule editor speaks the server’s DSL', () => {
  it('has the same operators, operators per field kind, relations and priorities', () => {
    expect([...web.OPERATORS]).toEqual([...OPERATORS]);
    for (const [kind, ops] of Object.entries(OPS_BY_KIND)) expect([...web.OPS_BY_KIND[kind as keyof typeof OPS_BY_KIND]], kind).toEqual([...ops]);
    expect([...web.RELATIONS]).toEqual([...RELATIONS]);
    expect([...web.PRIORITIES]).toEqual([...PRIORITIES]);
  });
  it('offers exactly the fields the server validates against', () => {
    for (const type of web.RECORD_TYPES) expect(web.FIELD_CATALOGS[type], type).toEqual(FIELD_CATALOGS[type]);
  });
  it('offers the override reason codes the API accepts', () => {
    expect([...web.REASON_CODES].map((r) => (typeof r === 'string' ? r : (r as { value: string }).value))).toEqual(ReassignSchema.shape.reasonCode.options);
  });
});
