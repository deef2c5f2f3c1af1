import { IANAZone } from 'luxon';
import { WEEKDAYS, type Weekday } from '../../identity/core/calendar.js';

/**
 * Business-time arithmetic for SLA due dates and escalation timers.
 *
 * Semantics (the decisions behind the numbers):
 * - Working intervals are wall-clock times in the calendar's IANA zone: `['09:00','17:00']` opens when the
 *   local clock reads 09:00 and closes when it reads 17:00, whatever the UTC offset is that day. Durations are
 *   real elapsed time between those instants, so a 9–17 day is 8 business hours on DST days too, while an
 *   interval that contains a transition counts what actually elapses (`00:00–24:00` is 23 h on spring-forward
 *   and 25 h on fall-back days).
 * - A boundary that does not exist (inside a spring-forward gap) is the instant the clock jumps over it; a
 *   boundary that occurs twice (fall-back overlap) is its first occurrence.
 * - Intervals are half-open `[open, close)`; `'24:00'` is allowed as a close and means the next local midnight.
 *   An interval may not cross midnight: a 22:00–06:00 shift is written as `['22:00','24:00']` on one day and
 *   `['00:00','06:00']` on the next. Intervals of one day must be ordered and must not overlap
 *   (`validateWeeklyHours` reports violations; the arithmetic throws on them rather than guess).
 * - Holidays are local dates (`YYYY-MM-DD`) in the calendar's zone; the whole local day is closed.
 * - Adding exactly the remaining time of an interval ends at that interval's close (the earliest instant with
 *   the requested business time behind it); adding zero hours gives the next working instant. Subtracting
 *   ends at the latest such instant, so it lands on an opening rather than the previous close.
 */
export type BusinessCalendar = {
  timeZone: string;
  weeklyHours: Record<Weekday, Array<[string, string]>>;
  holidays: string[];
};

export type BusinessTimeErrorCode = 'no_working_time' | 'invalid_calendar' | 'invalid_instant';

export class BusinessTimeError extends Error {
  constructor(
    readonly code: BusinessTimeErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'BusinessTimeError';
  }
}

export type CalendarIssue = { path: string; message: string };

export type EscalationOffset = { hours: number; business: boolean };

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const END_OF_DAY = 24 * 60;
const CLOCK_TIME = /^([01]\d|2[0-4]):([0-5]\d)$/;
const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;
/** `Date.prototype.getUTCDay()` order (0 = Sunday) mapped onto the calendar's weekday keys. */
const WEEKDAY_BY_UTC_DAY: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

type Interval = readonly [number, number];

type CompiledCalendar = {
  zone: IANAZone;
  /** Minutes since local midnight, indexed by `getUTCDay()` of the local date. */
  hoursByDay: ReadonlyArray<ReadonlyArray<Interval>>;
  holidays: ReadonlySet<string>;
  /** Upper bound on consecutive closed days, so a scan for the next opening always terminates. */
  maxClosedRun: number;
};

// Every call re-reads the calendar (callers pass plain data), so parsed times and zones are memoised by text.
const parsedClockTimes = new Map<string, number | null>();
const zonesByName = new Map<string, IANAZone | null>();

function parseClockTime(text: string): number | null {
  const known = parsedClockTimes.get(text);
  if (known !== undefined) return known;
  const match = CLOCK_TIME.exec(text);
  const minutes = match ? Number(match[1]) * 60 + Number(match[2]) : null;
  const parsed = minutes !== null && minutes <= END_OF_DAY ? minutes : null;
  if (text.length <= 5 && parsedClockTimes.size < 10_000) parsedClockTimes.set(text, parsed);
  return parsed;
}

function zoneNamed(name: string): IANAZone | null {
  let zone = zonesByName.get(name);
  if (zone === undefined) {
    const created = IANAZone.create(name);
    zone = created.isValid ? created : null;
    if (zonesByName.size < 1_000) zonesByName.set(name, zone);
  }
  return zone;
}

/**
 * Problems with a weekly-hours table, each with a path like `mon.0` (day, interval index). Empty means valid.
 * Rejects intervals that cross midnight or are empty (open ≥ close), unordered or overlapping intervals, and
 * times that are not `HH:MM` (`24:00` only as a close).
 */
export function validateWeeklyHours(weeklyHours: Record<Weekday, Array<[string, string]>>): CalendarIssue[] {
  const issues: CalendarIssue[] = [];
  for (const day of WEEKDAYS) {
    const intervals = weeklyHours[day];
    if (!Array.isArray(intervals)) {
      issues.push({ path: day, message: 'must be a list of [open, close] times' });
      continue;
    }
    let previousClose = -1;
    intervals.forEach((interval, index) => {
      const path = `${day}.${index}`;
      if (!Array.isArray(interval) || interval.length !== 2) {
        issues.push({ path, message: 'must be an [open, close] pair' });
        return;
      }
      const [openText, closeText] = interval;
      const open = parseClockTime(openText);
      const close = parseClockTime(closeText);
      if (open === null || open === END_OF_DAY) {
        issues.push({ path: `${path}.0`, message: `"${openText}" is not a time between 00:00 and 23:59` });
        return;
      }
      if (close === null) {
        issues.push({ path: `${path}.1`, message: `"${closeText}" is not a time between 00:00 and 24:00` });
        return;
      }
      if (close <= open) {
        issues.push({
          path,
          message: `${openText}–${closeText} ends before it starts; split a shift that crosses midnight at 24:00 / 00:00`,
        });
        return;
      }
      if (open < previousClose) {
        issues.push({ path, message: 'overlaps or comes before the previous interval of the day' });
        return;
      }
      previousClose = close;
    });
  }
  return issues;
}

/** Weekly hours, time zone and holiday dates together; empty means the calendar can be used for arithmetic. */
export function validateBusinessCalendar(calendar: BusinessCalendar): CalendarIssue[] {
  const issues: CalendarIssue[] = [];
  if (!zoneNamed(calendar.timeZone)) {
    issues.push({ path: 'timeZone', message: `"${calendar.timeZone}" is not an IANA time zone` });
  }
  issues.push(...validateWeeklyHours(calendar.weeklyHours).map((issue) => ({ ...issue, path: `weeklyHours.${issue.path}` })));
  calendar.holidays.forEach((holiday, index) => {
    if (!isLocalDate(holiday)) issues.push({ path: `holidays.${index}`, message: `"${holiday}" is not a YYYY-MM-DD date` });
  });
  if (issues.length === 0 && !hasWorkingTime(calendar)) {
    issues.push({ path: 'weeklyHours', message: 'the calendar has no working hours at all' });
  }
  return issues;
}

function isLocalDate(text: string): boolean {
  if (!LOCAL_DATE.test(text)) return false;
  const parsed = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(text);
}

/** True when at least one weekday has a non-empty working interval. */
export function hasWorkingTime(calendar: BusinessCalendar): boolean {
  return WEEKDAYS.some((day) =>
    (calendar.weeklyHours[day] ?? []).some(([openText, closeText]) => {
      const open = parseClockTime(openText);
      const close = parseClockTime(closeText);
      return open !== null && close !== null && open < close;
    }),
  );
}

function compile(calendar: BusinessCalendar): CompiledCalendar {
  const zone = zoneNamed(calendar.timeZone);
  if (!zone) throw new BusinessTimeError('invalid_calendar', `"${calendar.timeZone}" is not an IANA time zone`);
  const issues = validateWeeklyHours(calendar.weeklyHours);
  if (issues.length > 0) {
    const first = issues[0]!;
    throw new BusinessTimeError('invalid_calendar', `weeklyHours.${first.path}: ${first.message}`);
  }
  if (!hasWorkingTime(calendar)) throw new BusinessTimeError('no_working_time', 'the calendar has no working hours at all');
  const hoursByDay = WEEKDAY_BY_UTC_DAY.map((day) =>
    calendar.weeklyHours[day].map(([open, close]) => [parseClockTime(open)!, parseClockTime(close)!] as const),
  );
  // Closed runs are at most a week of closed weekdays plus every holiday, plus a day lost to a DST gap.
  return { zone, hoursByDay, holidays: new Set(calendar.holidays), maxClosedRun: calendar.holidays.length + 8 };
}

function instantOf(date: Date): number {
  const ms = date.getTime();
  if (Number.isNaN(ms)) throw new BusinessTimeError('invalid_instant', 'the instant is not a valid date');
  return ms;
}

/**
 * Luxon reads offsets through Intl at ~10 µs a call, which dominated due-date computation. Offsets are constant
 * within almost every UTC hour, so each (zone, hour) is resolved once; an hour that contains a transition is
 * remembered as such and answered exactly. The table is a fixed function of the tz database, so memoising it
 * keeps this module pure; the bound only caps memory.
 */
const offsetsByZone = new Map<string, Map<number, number | null>>();
const MAX_CACHED_HOURS = 100_000;

function offsetAt(zone: IANAZone, instant: number): number {
  let hours = offsetsByZone.get(zone.name);
  if (!hours) {
    hours = new Map();
    offsetsByZone.set(zone.name, hours);
  }
  const hour = Math.floor(instant / HOUR_MS);
  let steady = hours.get(hour);
  if (steady === undefined) {
    const first = zone.offset(hour * HOUR_MS);
    steady = first === zone.offset(hour * HOUR_MS + HOUR_MS - 1) ? first : null;
    if (hours.size >= MAX_CACHED_HOURS) hours.clear();
    hours.set(hour, steady);
  }
  return steady ?? zone.offset(instant);
}

/** UTC midnight of the local calendar date (a "naive" day) that contains the instant in the zone. */
function localDayOf(zone: IANAZone, instant: number): number {
  const naive = instant + offsetAt(zone, instant) * MINUTE_MS;
  return Math.floor(naive / DAY_MS) * DAY_MS;
}

/** The instant at which the zone's clock reads the naive (wall-clock-as-UTC) time; see the module comment. */
function wallClockToInstant(zone: IANAZone, naive: number): number {
  const offsets = new Set([offsetAt(zone, naive - DAY_MS), offsetAt(zone, naive), offsetAt(zone, naive + DAY_MS)]);
  let earliest = Number.POSITIVE_INFINITY;
  for (const offset of offsets) {
    const candidate = naive - offset * MINUTE_MS;
    if (offsetAt(zone, candidate) === offset && candidate < earliest) earliest = candidate;
  }
  if (earliest !== Number.POSITIVE_INFINITY) return earliest;
  // Inside a gap: find the transition, the first instant whose local clock is past the requested time.
  const offsetBefore = offsetAt(zone, naive - DAY_MS);
  const offsetAfter = offsetAt(zone, naive + DAY_MS);
  let before = naive - offsetAfter * MINUTE_MS;
  let after = naive - offsetBefore * MINUTE_MS;
  while (after - before > 1) {
    const middle = before + Math.floor((after - before) / 2);
    if (offsetAt(zone, middle) === offsetBefore) before = middle;
    else after = middle;
  }
  return after;
}

function intervalsOnDay(calendar: CompiledCalendar, day: number): Interval[] {
  const date = new Date(day);
  if (calendar.holidays.has(date.toISOString().slice(0, 10))) return [];
  const hours = calendar.hoursByDay[date.getUTCDay()]!;
  if (hours.length === 0) return [];
  // Offsets lie within ±14 h, so equal offsets 18 h either side of the local day mean no transition inside it.
  const offsetBefore = offsetAt(calendar.zone, day - 18 * HOUR_MS);
  const steadyOffset = offsetBefore === offsetAt(calendar.zone, day + DAY_MS + 18 * HOUR_MS) ? offsetBefore : null;
  const toInstant = (naive: number) =>
    steadyOffset === null ? wallClockToInstant(calendar.zone, naive) : naive - steadyOffset * MINUTE_MS;
  const merged: Array<[number, number]> = [];
  for (const [open, close] of hours) {
    const start = toInstant(day + open * MINUTE_MS);
    const end = toInstant(day + close * MINUTE_MS);
    if (end <= start) continue;
    const last = merged[merged.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}

/** Working intervals in time order that end after `from`, day by day, from the local day containing `from`. */
function* intervalsFrom(calendar: CompiledCalendar, from: number): Generator<Interval> {
  let closedRun = 0;
  for (let day = localDayOf(calendar.zone, from); ; day += DAY_MS) {
    const intervals = intervalsOnDay(calendar, day).filter(([, end]) => end > from);
    closedRun = intervals.length === 0 ? closedRun + 1 : 0;
    if (closedRun > calendar.maxClosedRun) throw new BusinessTimeError('no_working_time', 'no working time found ahead');
    yield* intervals;
  }
}

/** Working intervals in reverse time order that start before `until`, from the local day containing it. */
function* intervalsBefore(calendar: CompiledCalendar, until: number): Generator<Interval> {
  let closedRun = 0;
  for (let day = localDayOf(calendar.zone, until); ; day -= DAY_MS) {
    const intervals = intervalsOnDay(calendar, day).filter(([start]) => start < until);
    closedRun = intervals.length === 0 ? closedRun + 1 : 0;
    if (closedRun > calendar.maxClosedRun) throw new BusinessTimeError('no_working_time', 'no working time found before');
    yield* intervals.reverse();
  }
}

function hoursToMs(hours: number): number {
  if (!Number.isFinite(hours)) throw new BusinessTimeError('invalid_instant', 'hours must be a finite number');
  return Math.round(hours * HOUR_MS);
}

/**
 * The instant by which `hours` business hours have elapsed from `start`. Starting outside hours starts at the
 * next opening; negative hours count backwards. Throws `no_working_time` for a calendar with no hours.
 */
export function addBusinessHours(calendar: BusinessCalendar, start: Date, hours: number): Date {
  const compiled = compile(calendar);
  const from = instantOf(start);
  const durationMs = hoursToMs(hours);
  if (durationMs < 0) return new Date(subtractMs(compiled, from, -durationMs));
  let remaining = durationMs;
  for (const [open, close] of intervalsFrom(compiled, from)) {
    const begin = Math.max(open, from);
    if (remaining <= close - begin) return new Date(begin + remaining);
    remaining -= close - begin;
  }
  throw new BusinessTimeError('no_working_time', 'no working time found ahead');
}

function subtractMs(calendar: CompiledCalendar, until: number, durationMs: number): number {
  let remaining = durationMs;
  for (const [open, close] of intervalsBefore(calendar, until)) {
    const end = Math.min(close, until);
    if (remaining <= end - open) return end - remaining;
    remaining -= end - open;
  }
  throw new BusinessTimeError('no_working_time', 'no working time found before');
}

/** Business hours between two instants; negative when `to` is before `from`. */
export function businessHoursBetween(calendar: BusinessCalendar, from: Date, to: Date): number {
  const start = instantOf(from);
  const end = instantOf(to);
  if (end < start) return -businessHoursBetween(calendar, to, from);
  if (!hasWorkingTime(calendar)) return 0;
  const compiled = compile(calendar);
  let totalMs = 0;
  for (const [open, close] of intervalsFrom(compiled, start)) {
    if (open >= end) break;
    totalMs += Math.min(close, end) - Math.max(open, start);
  }
  return totalMs / HOUR_MS;
}

/** Whether `at` falls inside a working interval (opening included, closing excluded). */
export function isWorkingAt(calendar: BusinessCalendar, at: Date): boolean {
  if (!hasWorkingTime(calendar)) return false;
  const compiled = compile(calendar);
  const instant = instantOf(at);
  return intervalsOnDay(compiled, localDayOf(compiled.zone, instant)).some(([open, close]) => open <= instant && instant < close);
}

/** `at` itself when working, otherwise the next opening. Throws `no_working_time` for a calendar with no hours. */
export function nextWorkingStart(calendar: BusinessCalendar, at: Date): Date {
  return addBusinessHours(calendar, at, 0);
}

/**
 * When an escalation step set "T before or after due" fires: negative hours are before due. Business offsets
 * count in the calendar's working time (so "2 business hours before a Monday 10:00 due" is Friday 16:00 in a
 * 9–17 week); elapsed offsets are plain clock hours. A zero offset fires exactly at due.
 */
export function escalationFireAt(calendar: BusinessCalendar, dueAt: Date, offset: EscalationOffset): Date {
  const due = instantOf(dueAt);
  const offsetMs = hoursToMs(offset.hours);
  if (offsetMs === 0) return new Date(due);
  if (!offset.business) return new Date(due + offsetMs);
  return addBusinessHours(calendar, dueAt, offset.hours);
}
