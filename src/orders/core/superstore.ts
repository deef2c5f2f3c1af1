/** One Superstore CSV line, checked and converted: money in minor units, dates as UTC midnights. */
export type HistoricalLine = {
  row: number;
  orderId: string;
  orderDate: Date;
  shipDate: Date;
  customerId: string;
  customerName: string;
  segment: string;
  region: string;
  productId: string;
  productName: string;
  qty: number;
  netMinor: number;
  costMinor: number;
};

export type RowError = { row: number; field: string; message: string };

const SEGMENT_KINDS: Record<string, 'ecommerce' | 'wholesale' | 'field_sales'> = { Consumer: 'ecommerce', Corporate: 'wholesale', 'Home Office': 'field_sales' };
export const segmentKind = (segment: string) => SEGMENT_KINDS[segment] ?? 'partner';

function usDate(value: string | undefined): Date | null {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec((value ?? '').trim());
  if (!m) return null;
  const d = new Date(Date.UTC(Number(m[3]), Number(m[1]) - 1, Number(m[2])));
  return d.getUTCMonth() === Number(m[1]) - 1 ? d : null;
}

const money = (value: string | undefined) => {
  const n = Number((value ?? '').trim());
  return (value ?? '').trim() !== '' && Number.isFinite(n) ? Math.round(n * 100) : null;
};

/** Every line either converts or yields errors naming its row and field; nothing is dropped silently. */
export function parseSuperstore(records: Array<Record<string, string>>): { lines: HistoricalLine[]; errors: RowError[] } {
  const lines: HistoricalLine[] = [];
  const errors: RowError[] = [];
  records.forEach((r, i) => {
    const row = i + 2;
    const bad = (field: string, message: string) => errors.push({ row, field, message });
    const orderDate = usDate(r['Order Date']);
    const shipDate = usDate(r['Ship Date']);
    const qty = Number(r['Quantity']);
    const sales = money(r['Sales']);
    const profit = money(r['Profit']);
    const before = errors.length;
    for (const field of ['Order ID', 'Customer ID', 'Segment', 'Region', 'Product ID']) if (!r[field]?.trim()) bad(field, 'is empty');
    if (!orderDate) bad('Order Date', 'is not M/D/YYYY');
    if (!shipDate) bad('Ship Date', 'is not M/D/YYYY');
    if (orderDate && shipDate && shipDate < orderDate) bad('Ship Date', 'is before the order date');
    if (!Number.isInteger(qty) || qty <= 0) bad('Quantity', 'must be a positive whole number');
    if (sales === null || sales < 0) bad('Sales', 'must be a non-negative amount');
    if (profit === null) bad('Profit', 'must be an amount');
    if (sales !== null && profit !== null && sales - profit < 0) bad('Profit', 'exceeds sales (negative cost)');
    if (errors.length > before) return;
    lines.push({
      row,
      orderId: r['Order ID']!.trim(),
      orderDate: orderDate!,
      shipDate: shipDate!,
      customerId: r['Customer ID']!.trim(),
      customerName: (r['Customer Name'] ?? '').trim() || r['Customer ID']!.trim(),
      segment: r['Segment']!.trim(),
      region: r['Region']!.trim(),
      productId: r['Product ID']!.trim(),
      productName: (r['Product Name'] ?? '').replace(/\u00a0/g, ' ').trim(),
      qty,
      netMinor: sales!,
      costMinor: sales! - profit!,
    });
  });
  return { lines, errors };
}
