/** Exclusivity window math (DOMAIN §6). Pure: every instant comes in as an argument. */
export type WindowPolicy = { inactivityDays: number; hardCapDays: number; warnDaysBefore: number };

export type ExclusivityWindow = {
  lastActivityAt: Date;
  expiresAt: Date;
  capAt: Date;
  warnAt: Date;
};

const DAY_MS = 86_400_000;
const addDays = (at: Date, days: number) => new Date(at.getTime() + days * DAY_MS);
const min = (a: Date, b: Date) => (a.getTime() <= b.getTime() ? a : b);
const max = (a: Date, b: Date) => (a.getTime() >= b.getTime() ? a : b);

/** The warning goes out `warnDaysBefore` days before expiry. */
export const warnAtFor = (expiresAt: Date, policy: WindowPolicy) => addDays(expiresAt, -policy.warnDaysBefore);

/** On approval: exclusivity for `inactivityDays` from now, never beyond the hard cap (now + hardCapDays). */
export function openWindow(now: Date, policy: WindowPolicy): ExclusivityWindow {
  const capAt = addDays(now, policy.hardCapDays);
  const expiresAt = min(addDays(now, policy.inactivityDays), capAt);
  return { lastActivityAt: now, expiresAt, capAt, warnAt: warnAtFor(expiresAt, policy) };
}

/**
 * A logged activity renews the window: `inactivityDays` from the activity, capped, and never earlier than the
 * current expiry (an activity reported late cannot shorten what the partner already holds).
 */
export function renewWindow(window: ExclusivityWindow, at: Date, policy: WindowPolicy): ExclusivityWindow {
  const lastActivityAt = max(window.lastActivityAt, at);
  const expiresAt = max(window.expiresAt, min(addDays(lastActivityAt, policy.inactivityDays), window.capAt));
  return { lastActivityAt, expiresAt, capAt: window.capAt, warnAt: warnAtFor(expiresAt, policy) };
}

/** An expiry decided as "extended": the cap moves out to at least now + inactivityDays and a fresh window starts. */
export function extendWindow(window: Pick<ExclusivityWindow, 'capAt'>, now: Date, policy: WindowPolicy): ExclusivityWindow {
  const capAt = max(window.capAt, addDays(now, policy.inactivityDays));
  const expiresAt = min(addDays(now, policy.inactivityDays), capAt);
  return { lastActivityAt: now, expiresAt, capAt, warnAt: warnAtFor(expiresAt, policy) };
}
