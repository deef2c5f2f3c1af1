import { assertCan } from '../../platform/access/can.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';

export type ProductLineView = { code: string; name: string; description: string | null; createdAt: string };

export const productLineView = (p: { code: string; name: string; description: string | null; created_at: Date }): ProductLineView => ({
  code: p.code,
  name: p.name,
  description: p.description,
  createdAt: p.created_at.toISOString(),
});

export async function listProductLines(ctx: UseCaseContext): Promise<{ items: ProductLineView[] }> {
  assertCan(ctx.actor, 'partner.read');
  return { items: (await ctx.db.selectFrom('product_lines').selectAll().orderBy('code').execute()).map(productLineView) };
}
