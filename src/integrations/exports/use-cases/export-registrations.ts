import { assertCan } from '../../../platform/access/can.js';
import type { UseCaseContext } from '../../../platform/use-case-context.js';
import { type CsvExport, paged } from '../csv-stream.js';
import type { RegistrationExportFilter } from '../schemas.js';

const PAGE = 5000;

/**
 * Deal registrations for internal readers, straight from the table (the channel feature's use cases are
 * still being written): the internal projection — review outcome, probability and ownership included,
 * free-text internal notes left out.
 */
export function exportRegistrations(ctx: UseCaseContext, filter: RegistrationExportFilter): CsvExport {
  assertCan(ctx.actor, 'registration.read');
  const rows = paged((after: { created_at: Date; id: string } | null) => {
    let q = ctx.db
      .selectFrom('registrations as r')
      .leftJoin('partners as p', 'p.id', 'r.partner_id')
      .select([
        'r.id',
        'r.reference',
        'r.partner_id',
        'p.name as partner_name',
        'r.account_id',
        'r.customer_name',
        'r.customer_domain',
        'r.customer_country',
        'r.customer_region',
        'r.product_line',
        'r.amount_minor',
        'r.currency',
        'r.expected_close_date',
        'r.status',
        'r.decision_code',
        'r.decision_reason',
        'r.probability',
        'r.approved_at',
        'r.expires_at',
        'r.closed_at',
        'r.expiry_outcome',
        'r.owner_id',
        'r.created_at',
        'r.updated_at',
      ]);
    if (after)
      q = q.where((eb) =>
        eb.or([eb('r.created_at', '>', after.created_at), eb.and([eb('r.created_at', '=', after.created_at), eb('r.id', '>', after.id)])]),
      );
    if (filter.from) q = q.where('r.created_at', '>=', new Date(filter.from));
    if (filter.to) q = q.where('r.created_at', '<', new Date(filter.to));
    if (filter.status) q = q.where('r.status', '=', filter.status as never);
    if (filter.partnerId) q = q.where('r.partner_id', '=', filter.partnerId);
    return q.orderBy('r.created_at').orderBy('r.id').limit(PAGE).execute();
  }, PAGE);
  const columns = [
    'id',
    'reference',
    'partner_id',
    'partner',
    'account_id',
    'customer_name',
    'customer_domain',
    'customer_country',
    'customer_region',
    'product_line',
    'amount_minor',
    'currency',
    'expected_close_date',
    'status',
    'decision_code',
    'decision_reason',
    'probability',
    'approved_at',
    'expires_at',
    'closed_at',
    'expiry_outcome',
    'owner_id',
    'created_at',
    'updated_at',
  ] as const;
  return {
    fileName: 'registrations.csv',
    columns,
    rows: (async function* () {
      for await (const r of rows) {
        const date = r.expected_close_date instanceof Date ? r.expected_close_date.toISOString().slice(0, 10) : r.expected_close_date;
        yield [
          r.id,
          r.reference,
          r.partner_id,
          r.partner_name,
          r.account_id,
          r.customer_name,
          r.customer_domain,
          r.customer_country,
          r.customer_region,
          r.product_line,
          Number(r.amount_minor),
          r.currency,
          date,
          r.status,
          r.decision_code,
          r.decision_reason,
          r.probability,
          r.approved_at,
          r.expires_at,
          r.closed_at,
          r.expiry_outcome,
          r.owner_id,
          r.created_at,
          r.updated_at,
        ];
      }
    })(),
  };
}
