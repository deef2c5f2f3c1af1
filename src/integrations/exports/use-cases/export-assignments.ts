import { assertCan } from '../../../platform/access/can.js';
import type { UseCaseContext } from '../../../platform/use-case-context.js';
import { type CsvExport, paged } from '../csv-stream.js';
import type { AssignmentExportFilter } from '../schemas.js';

const PAGE = 5000;

/** The ownership ledger: every assignment with its owner, reason, SLA and outcome, oldest first. */
export function exportAssignments(ctx: UseCaseContext, filter: AssignmentExportFilter): CsvExport {
  assertCan(ctx.actor, 'assignment.read');
  const rows = paged((after: { created_at: Date; id: string } | null) => {
    let q = ctx.db
      .selectFrom('assignments as a')
      .leftJoin('users as u', 'u.id', 'a.owner_id')
      .leftJoin('teams as t', 't.id', 'a.team_id')
      .select([
        'a.id',
        'a.record_type',
        'a.record_id',
        'a.owner_id',
        'u.name as owner_name',
        'a.previous_owner_id',
        'a.team_id',
        't.name as team_name',
        'a.reason_code',
        'a.reason',
        'a.source',
        'a.priority',
        'a.ruleset_id',
        'a.rule_id',
        'a.pool_id',
        'a.queue_id',
        'a.due_at',
        'a.acknowledged_at',
        'a.closed_at',
        'a.closed_reason',
        'a.actor_label',
        'a.created_at',
      ]);
    if (after)
      q = q.where((eb) =>
        eb.or([eb('a.created_at', '>', after.created_at), eb.and([eb('a.created_at', '=', after.created_at), eb('a.id', '>', after.id)])]),
      );
    if (filter.from) q = q.where('a.created_at', '>=', new Date(filter.from));
    if (filter.to) q = q.where('a.created_at', '<', new Date(filter.to));
    if (filter.recordType) q = q.where('a.record_type', '=', filter.recordType);
    if (filter.ownerId) q = q.where('a.owner_id', '=', filter.ownerId);
    if (filter.open === 'true') q = q.where('a.closed_at', 'is', null);
    if (filter.open === 'false') q = q.where('a.closed_at', 'is not', null);
    return q.orderBy('a.created_at').orderBy('a.id').limit(PAGE).execute();
  }, PAGE);
  return {
    fileName: 'assignments.csv',
    columns: [
      'id',
      'record_type',
      'record_id',
      'owner_id',
      'owner',
      'previous_owner_id',
      'team_id',
      'team',
      'reason_code',
      'reason',
      'source',
      'priority',
      'ruleset_id',
      'rule_id',
      'pool_id',
      'queue_id',
      'due_at',
      'acknowledged_at',
      'closed_at',
      'closed_reason',
      'actor',
      'created_at',
    ],
    rows: (async function* () {
      for await (const r of rows) {
        yield [
          r.id,
          r.record_type,
          r.record_id,
          r.owner_id,
          r.owner_name,
          r.previous_owner_id,
          r.team_id,
          r.team_name,
          r.reason_code,
          r.reason,
          r.source,
          r.priority,
          r.ruleset_id,
          r.rule_id,
          r.pool_id,
          r.queue_id,
          r.due_at,
          r.acknowledged_at,
          r.closed_at,
          r.closed_reason,
          r.actor_label,
          r.created_at,
        ];
      }
    })(),
  };
}
