import { assertCan } from '../../../platform/access/can.js';
import { sealAudit } from '../../../platform/audit/seal-audit.js';
import type { UseCaseContext } from '../../../platform/use-case-context.js';
import { type CsvExport, paged } from '../csv-stream.js';
import type { AuditExportFilter } from '../schemas.js';

const PAGE = 5000;

/**
 * The audit trail in sequence order, with each row's chain position and hash so a reader can check the chain
 * offline (hash over the row at its position; rows sealed after the export started have none yet).
 */
export function exportAudit(ctx: UseCaseContext, filter: AuditExportFilter): CsvExport {
  assertCan(ctx.actor, 'audit.read');
  const rows = paged((after: { seq: string } | null) => {
    let q = ctx.db
      .selectFrom('audit_events')
      .leftJoin('audit_seals', 'audit_seals.event_seq', 'audit_events.seq')
      .select([
        'seq',
        'position',
        'id',
        'occurred_at',
        'event_name',
        'entity_type',
        'entity_id',
        'actor_id',
        'actor_label',
        'reason',
        'request_id',
        'before',
        'after',
        'prev_hash',
        'hash',
      ]);
    if (after) q = q.where('seq', '>', after.seq);
    if (filter.from) q = q.where('occurred_at', '>=', new Date(filter.from));
    if (filter.to) q = q.where('occurred_at', '<', new Date(filter.to));
    if (filter.event) q = q.where('event_name', '=', filter.event);
    if (filter.entityType) q = q.where('entity_type', '=', filter.entityType);
    return q.orderBy('seq').limit(PAGE).execute();
  }, PAGE);
  return {
    fileName: 'audit.csv',
    columns: [
      'seq',
      'chain_position',
      'id',
      'occurred_at',
      'event',
      'entity_type',
      'entity_id',
      'actor_id',
      'actor',
      'reason',
      'request_id',
      'before',
      'after',
      'prev_hash',
      'hash',
    ],
    rows: (async function* () {
      await sealAudit(ctx.db);
      for await (const r of rows) {
        yield [
          r.seq,
          r.position,
          r.id,
          r.occurred_at,
          r.event_name,
          r.entity_type,
          r.entity_id,
          r.actor_id,
          r.actor_label,
          r.reason,
          r.request_id,
          r.before === null ? null : JSON.stringify(r.before),
          r.after === null ? null : JSON.stringify(r.after),
          r.prev_hash,
          r.hash,
        ];
      }
    })(),
  };
}
