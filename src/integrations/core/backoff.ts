/** Upper bound of the wait before retry n (1-based), in seconds: about 3 days in total. */
export const RETRY_SCHEDULE_SECONDS = [5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 10 * 3600, 14 * 3600, 14 * 3600, 14 * 3600] as const;
/** The first attempt plus one per schedule step. */
export const MAX_ATTEMPTS = RETRY_SCHEDULE_SECONDS.length + 1;
const RETRY_AFTER_CAP_SECONDS = 24 * 3600;

/** Seconds a Retry-After header asks for (delta-seconds or an HTTP date), capped; null when absent or unreadable. */
export function retryAfterSeconds(header: string | null | undefined, now: Date): number | null {
  if (!header) return null;
  const trimmed = header.trim();
  const seconds = /^\d+$/.test(trimmed) ? Number(trimmed) : (Date.parse(trimmed) - now.getTime()) / 1000;
  if (!Number.isFinite(seconds)) return null;
  return Math.min(Math.max(0, Math.ceil(seconds)), RETRY_AFTER_CAP_SECONDS);
}

/**
 * When the next attempt after `attemptsMade` failures is due, or null when the delivery is dead.
 * Full jitter spreads retries of many endpoints; a Retry-After is honoured as a floor.
 */
export function nextAttemptAt(attemptsMade: number, now: Date, random: number, retryAfter: number | null): Date | null {
  if (attemptsMade >= MAX_ATTEMPTS) return null;
  const cap: number = RETRY_SCHEDULE_SECONDS[attemptsMade - 1] ?? 14 * 3600;
  const jittered = Math.max(1, Math.floor(random * cap));
  const wait = retryAfter === null ? jittered : Math.max(jittered, retryAfter);
  return new Date(now.getTime() + wait * 1000);
}
