import type { Logger } from 'pino';
import { assertCan } from '../../platform/access/can.js';
import { AppError, type ErrorCode, type FieldError } from '../../platform/errors.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';
import { SyncLine } from '../sync/schemas.js';
import { type SyncResult, syncRecord } from './sync-record.js';

export const BULK_LIMITS = { maxLineBytes: 256 * 1024, maxLines: 10_000, maxBytes: 64 * 1024 * 1024 };
export type BulkLimits = typeof BULK_LIMITS;

export type BulkLineResult =
  | {
      line: number;
      type: string;
      externalId: string;
      status: 'applied';
      created: boolean;
      recordId: string;
      version: number;
      warning?: string;
    }
  | { line: number; type: string; externalId: string; status: 'stale' | 'duplicate' | 'unchanged'; recordId: string; version: number }
  | {
      line: number;
      type: string | null;
      externalId: string | null;
      status: 'failed';
      error: { code: ErrorCode; message: string; errors?: FieldError[] };
    };

export type BulkResult = {
  complete: boolean;
  /** Why reading stopped early (line or size limit); lines after it were not read. */
  stoppedReason: string | null;
  counts: { lines: number; applied: number; stale: number; duplicate: number; unchanged: number; failed: number };
  results: BulkLineResult[];
};

/** Splits a byte stream into lines without holding more than one line (capped) in memory. */
async function* linesOf(
  stream: AsyncIterable<Buffer | string>,
  limits: BulkLimits,
): AsyncGenerator<{ text: string | null; bytes: number; tooLong: boolean } | { stop: string }> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let tooLong = false;
  let total = 0;
  const flush = () => {
    const text = tooLong ? null : Buffer.concat(pending).toString('utf8').replace(/\r$/, '');
    const line = { text, bytes: pendingBytes, tooLong };
    pending = [];
    pendingBytes = 0;
    tooLong = false;
    return line;
  };
  for await (const chunk of stream) {
    let buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    total += buffer.length;
    if (total > limits.maxBytes) {
      yield { stop: `the body exceeds ${limits.maxBytes} bytes; the rest was not read` };
      return;
    }
    for (let newline = buffer.indexOf(10); newline !== -1; newline = buffer.indexOf(10)) {
      const part = buffer.subarray(0, newline);
      if (!tooLong && pendingBytes + part.length > limits.maxLineBytes) tooLong = true;
      if (!tooLong) pending.push(part);
      pendingBytes += part.length;
      yield flush();
      buffer = buffer.subarray(newline + 1);
    }
    if (!tooLong && pendingBytes + buffer.length > limits.maxLineBytes) {
      tooLong = true;
      pending = [];
    }
    if (!tooLong) pending.push(buffer);
    pendingBytes += buffer.length;
  }
  if (pendingBytes > 0 || tooLong) yield flush();
}

const failure = (line: number, type: string | null, externalId: string | null, error: unknown, logger?: Logger): BulkLineResult => {
  if (error instanceof AppError)
    return {
      line,
      type,
      externalId,
      status: 'failed',
      error: { code: error.code, message: error.message, ...(error.errors && { errors: error.errors }) },
    };
  logger?.error({ err: error, line }, 'bulk sync line failed');
  return {
    line,
    type,
    externalId,
    status: 'failed',
    error: { code: 'internal', message: 'Internal error while applying this line; nothing of it was written.' },
  };
};

/**
 * Applies an NDJSON stream of `{type, externalId, version, data}` lines in order, each line in its own
 * transaction (through syncRecord), so one bad line never undoes the others. Blank lines are skipped but
 * counted, so line numbers match the client's file.
 */
export async function syncBulk(
  ctx: UseCaseContext,
  source: string,
  stream: AsyncIterable<Buffer | string>,
  options: { limits?: Partial<BulkLimits>; logger?: Logger } = {},
): Promise<BulkResult> {
  assertCan(ctx.actor, 'integration.manage');
  const limits = { ...BULK_LIMITS, ...options.limits };
  const result: BulkResult = {
    complete: true,
    stoppedReason: null,
    counts: { lines: 0, applied: 0, stale: 0, duplicate: 0, unchanged: 0, failed: 0 },
    results: [],
  };
  let lineNo = 0;
  let records = 0;
  for await (const item of linesOf(stream, limits)) {
    if ('stop' in item) {
      result.complete = false;
      result.stoppedReason = item.stop;
      break;
    }
    lineNo += 1;
    if (item.text !== null && item.text.trim() === '') continue;
    if (++records > limits.maxLines) {
      result.complete = false;
      result.stoppedReason = `more than ${limits.maxLines} records; line ${lineNo} and after were not read`;
      break;
    }
    const outcome = await applyLine(ctx, source, lineNo, item, limits, options.logger);
    result.results.push(outcome);
    result.counts.lines += 1;
    result.counts[outcome.status === 'applied' ? 'applied' : outcome.status] += 1;
  }
  return result;
}

async function applyLine(
  ctx: UseCaseContext,
  source: string,
  line: number,
  item: { text: string | null; bytes: number },
  limits: BulkLimits,
  logger?: Logger,
): Promise<BulkLineResult> {
  if (item.text === null)
    return failure(
      line,
      null,
      null,
      new AppError('payload_too_large', `line ${line} is ${item.bytes} bytes; at most ${limits.maxLineBytes} per line`),
    );
  let json: unknown;
  try {
    json = JSON.parse(item.text);
  } catch (error) {
    return failure(
      line,
      null,
      null,
      new AppError('validation_failed', `line ${line} is not JSON: ${(error as Error).message}`, [{ path: 'line', message: 'not JSON' }]),
    );
  }
  const parsed = SyncLine.safeParse(json);
  if (!parsed.success) {
    const partial = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
    const errors = parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join('.') || 'line', message: issue.message }));
    return failure(
      line,
      typeof partial.type === 'string' ? partial.type : null,
      typeof partial.externalId === 'string' ? partial.externalId : null,
      new AppError('validation_failed', `line ${line} is not a valid sync record.`, errors),
    );
  }
  const { type, externalId, version, data } = parsed.data;
  let outcome: SyncResult;
  try {
    outcome = await syncRecord(ctx, { source, type, externalId }, { version, data });
  } catch (error) {
    return failure(line, type, externalId, error, logger);
  }
  if (outcome.applied)
    return {
      line,
      type,
      externalId,
      status: 'applied',
      created: outcome.created,
      recordId: outcome.recordId,
      version: outcome.version,
      ...(outcome.warning && { warning: outcome.warning }),
    };
  return { line, type, externalId, status: outcome.reason, recordId: outcome.recordId, version: outcome.version };
}
