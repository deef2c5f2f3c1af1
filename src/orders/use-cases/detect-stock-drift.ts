import { sql } from 'kysely';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import { openException } from '../store.js';

export type Drift = { itemId: string; locationId: string; field: string; counter: number; truth: number };

/**
 * Compares every counter with its source of truth — on_hand/quarantined/incoming with the ledger sums,
 * allocated with the active allocation rows — and opens one exception per disagreement. It never repairs.
 */
export async function detectStockDrift(ctx: UseCaseContext): Promise<Drift[]> {
  return inTransaction(ctx, async (trx) => {
    const rows = await sql<{ item_id: string; location_id: string; on_hand: number; quarantined: number; incoming: number; allocated: number; l_on_hand: string; l_quarantined: string; l_incoming: string; a_allocated: string }>`
      select s.item_id, s.location_id, s.on_hand, s.quarantined, s.incoming, s.allocated,
             coalesce(l.on_hand, 0) as l_on_hand, coalesce(l.quarantined, 0) as l_quarantined, coalesce(l.incoming, 0) as l_incoming,
             coalesce(a.qty, 0) as a_allocated
      from stock_levels s
      left join (select item_id, location_id,
                        sum(delta) filter (where bucket = 'on_hand') as on_hand,
                        sum(delta) filter (where bucket = 'quarantined') as quarantined,
                        sum(delta) filter (where bucket = 'incoming') as incoming
                 from stock_ledger group by item_id, location_id) l using (item_id, location_id)
      left join (select item_id, location_id, sum(qty) as qty from allocations where status = 'active' group by item_id, location_id) a using (item_id, location_id)
      where s.on_hand <> coalesce(l.on_hand, 0) or s.quarantined <> coalesce(l.quarantined, 0)
         or s.incoming <> coalesce(l.incoming, 0) or s.allocated <> coalesce(a.qty, 0)`.execute(trx);
    const drifts: Drift[] = [];
    for (const r of rows.rows) {
      const pairs: Array<[string, number, number]> = [
        ['on_hand', r.on_hand, Number(r.l_on_hand)],
        ['quarantined', r.quarantined, Number(r.l_quarantined)],
        ['incoming', r.incoming, Number(r.l_incoming)],
        ['allocated', r.allocated, Number(r.a_allocated)],
      ];
      for (const [field, counter, truth] of pairs) if (counter !== truth) drifts.push({ itemId: r.item_id, locationId: r.location_id, field, counter, truth });
    }
    for (const d of drifts) {
      const open = await trx.selectFrom('order_exceptions').select('id').where('category', '=', 'stock_drift').where('subject_id', '=', d.itemId).where('status', '=', 'open').where('detail', 'like', `${d.locationId} ${d.field}%`).executeTakeFirst();
      if (open) continue;
      await openException(trx, ctx, { controlPoint: 'INVENTORY_ALLOCATION', category: 'stock_drift', subjectType: 'item', subjectId: d.itemId, orderId: null, channelId: null, detail: `${d.locationId} ${d.field}: counter ${d.counter}, source ${d.truth}` });
    }
    return drifts;
  });
}
