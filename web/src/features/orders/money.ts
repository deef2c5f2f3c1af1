export const money = (minor: number, currency = 'USD') => new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(minor / 100);
export const pct = (ratio: number) => `${(ratio * 100).toFixed(1)}%`;

const STATUS_COLORS: Record<string, string> = {
  on_hold: 'red',
  awaiting_release: 'yellow',
  unallocated: 'gray',
  partially_allocated: 'orange',
  allocated: 'blue',
  partially_shipped: 'cyan',
  to_invoice: 'grape',
  complete: 'green',
  closed: 'green',
  cancelled: 'gray',
  pass: 'green',
  override: 'orange',
  hold: 'red',
  fail: 'red',
};
export const statusColor = (status: string) => STATUS_COLORS[status] ?? 'gray';
