import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import type { Weekday } from '../../src/identity/core/calendar.js';
import {
  addBusinessHours,
  type BusinessCalendar,
  BusinessTimeError,
  businessHoursBetween,
  escalationFireAt,
  hasWorkingTime,
  isWorkingAt,
  nextWorkingStart,
  validateBusinessCalendar,
  validateWeeklyHours,
} from '../../src/routing/core/business-time.js';

type Hours = Array<[string, string]>;

function week(weekdays: Hours, weekend: Hours = []): Record<Weekday, Hours> {
  return { mon: weekdays, tue: weekdays, wed: weekdays, thu: weekdays, fri: weekdays, sat: weekend, sun: weekend };
}

const calendars = {
  newYork: { timeZone: 'America/New_York', weeklyHours: week([['09:00', '17:00']]), holidays: ['2026-11-26', '2026-12-25'] },
  newYorkDaily: { timeZone: 'America/New_York', weeklyHours: week([['09:00', '17:00']], [['09:00', '17:00']]), holidays: [] },
  newYorkAllWeek: { timeZone: 'America/New_York', weeklyHours: week([['00:00', '24:00']], [['00:00', '24:00']]), holidays: [] },
  berlin: {
    timeZone: 'Europe/Berlin',
    weeklyHours: week([
      ['09:00', '12:00'],
      ['13:00', '17:00'],
    ]),
    holidays: ['2026-12-24', '2026-12-25'],
  },
  berlinDaily: { timeZone: 'Europe/Berlin', weeklyHours: week([['09:00', '17:00']], [['09:00', '17:00']]), holidays: [] },
  berlinAllWeek: { timeZone: 'Europe/Berlin', weeklyHours: week([['00:00', '24:00']], [['00:00', '24:00']]), holidays: [] },
  // A 22:00–06:00 night shift every night, written as two intervals that meet at midnight.
  berlinNights: {
    timeZone: 'Europe/Berlin',
    weeklyHours: week(
      [
        ['00:00', '06:00'],
        ['22:00', '24:00'],
      ],
      [
        ['00:00', '06:00'],
        ['22:00', '24:00'],
      ],
    ),
    holidays: [],
  },
  kolkata: { timeZone: 'Asia/Kolkata', weeklyHours: week([['09:30', '18:00']]), holidays: ['2026-03-04'] },
  // Boundaries inside New York's 2026-03-08 gap (02:00→03:00) and its 2026-11-01 overlap (01:00–02:00 twice).
  newYorkSmallHours: { timeZone: 'America/New_York', weeklyHours: { ...week([]), sun: [['01:00', '02:30']] }, holidays: [] },
  newYorkOverlap: { timeZone: 'America/New_York', weeklyHours: { ...week([]), sun: [['01:00', '01:30']] }, holidays: [] },
} satisfies Record<string, BusinessCalendar>;

type CalendarName = keyof typeof calendars;

const at = (name: CalendarName, local: string) => DateTime.fromISO(local, { zone: calendars[name].timeZone }).toJSDate();
const show = (name: CalendarName, instant: Date) =>
  DateTime.fromJSDate(instant, { zone: calendars[name].timeZone }).toISO({ suppressMilliseconds: true, suppressSeconds: true });

describe('addBusinessHours', () => {
  it.each<[string, CalendarName, string, number, string]>([
    ['inside hours', 'newYork', '2026-03-02T10:00', 2, '2026-03-02T12:00-05:00'],
    ['before opening starts at the opening', 'newYork', '2026-03-02T07:00', 1, '2026-03-02T10:00-05:00'],
    ['after closing starts at the next opening', 'newYork', '2026-03-02T18:00', 1, '2026-03-03T10:00-05:00'],
    ['a full day ends at the close, not the next opening', 'newYork', '2026-03-02T09:00', 8, '2026-03-02T17:00-05:00'],
    ['Friday into Monday across spring-forward', 'newYork', '2026-03-06T16:00', 2, '2026-03-09T10:00-04:00'],
    ['Friday into Monday across fall-back', 'newYork', '2026-10-30T16:30', 1, '2026-11-02T09:30-05:00'],
    ['starting on a weekend', 'newYork', '2026-03-07T12:00', 0.5, '2026-03-09T09:30-04:00'],
    ['skips a holiday', 'newYork', '2026-11-25T16:00', 2, '2026-11-27T10:00-05:00'],
    ['skips a Friday holiday and the weekend', 'newYork', '2026-12-24T16:00', 2, '2026-12-28T10:00-05:00'],
    ['fractional hours', 'newYork', '2026-03-02T16:50', 0.25, '2026-03-03T09:05-05:00'],
    ['two working weeks', 'newYork', '2026-03-02T09:00', 80, '2026-03-13T17:00-04:00'],
    ['zero hours outside hours is the next opening', 'newYork', '2026-03-07T12:00', 0, '2026-03-09T09:00-04:00'],
    ['zero hours inside hours is the start', 'newYork', '2026-03-02T11:11', 0, '2026-03-02T11:11-05:00'],
    ['9–17 is 8 hours on the spring-forward Sunday', 'newYorkDaily', '2026-03-08T09:00', 8, '2026-03-08T17:00-04:00'],
    ['9–17 is 8 hours on the fall-back Sunday', 'newYorkDaily', '2026-11-01T09:00', 8, '2026-11-01T17:00-05:00'],
    ['Saturday into the spring-forward Sunday', 'newYorkDaily', '2026-03-07T16:00', 2, '2026-03-08T10:00-04:00'],
    ['24/7: the spring-forward day has 23 hours', 'newYorkAllWeek', '2026-03-08T00:00', 24, '2026-03-09T01:00-04:00'],
    ['24/7: the fall-back day has 25 hours', 'newYorkAllWeek', '2026-11-01T00:00', 24, '2026-11-01T23:00-05:00'],
    ['24/7: across a weekend', 'newYorkAllWeek', '2026-03-06T20:00', 48, '2026-03-08T21:00-04:00'],
    ['lunch break is skipped', 'berlin', '2026-03-02T11:00', 2, '2026-03-02T14:00+01:00'],
    ['Friday into Monday across spring-forward', 'berlin', '2026-03-27T16:00', 2, '2026-03-30T10:00+02:00'],
    ['Friday into Monday across fall-back', 'berlin', '2026-10-23T16:00', 2, '2026-10-26T10:00+01:00'],
    ['Christmas Eve and Christmas are closed', 'berlin', '2026-12-23T16:30', 1, '2026-12-28T09:30+01:00'],
    ['9–17 is 8 hours on the spring-forward Sunday', 'berlinDaily', '2026-03-29T09:00', 8, '2026-03-29T17:00+02:00'],
    ['9–17 is 8 hours on the fall-back Sunday', 'berlinDaily', '2026-10-25T09:00', 8, '2026-10-25T17:00+01:00'],
    ['24/7: the gap hour does not count', 'berlinAllWeek', '2026-03-29T01:00', 1, '2026-03-29T03:00+02:00'],
    ['24/7: the repeated hour counts twice', 'berlinAllWeek', '2026-10-25T01:00', 3, '2026-10-25T03:00+01:00'],
    ['night shift runs through midnight', 'berlinNights', '2026-03-02T23:00', 3, '2026-03-03T02:00+01:00'],
    ['night shift: the spring-forward night is 1 hour shorter', 'berlinNights', '2026-03-28T22:00', 8, '2026-03-29T23:00+02:00'],
    ['night shift: starting mid-afternoon waits for 22:00', 'berlinNights', '2026-03-02T15:00', 1, '2026-03-02T23:00+01:00'],
    ['half-hour offset zone', 'kolkata', '2026-03-02T10:00', 1, '2026-03-02T11:00+05:30'],
    ['half-hour offset zone: Friday into Monday', 'kolkata', '2026-03-06T17:00', 2, '2026-03-09T10:30+05:30'],
    ['half-hour offset zone: skips its holiday', 'kolkata', '2026-03-03T17:00', 2, '2026-03-05T10:30+05:30'],
    ['an interval closing inside the gap closes at the jump', 'newYorkSmallHours', '2026-03-08T01:00', 1, '2026-03-08T03:00-04:00'],
    ['what the gap cut off is worked the next week', 'newYorkSmallHours', '2026-03-08T01:00', 1.5, '2026-03-15T01:30-04:00'],
    ['an interval inside the overlap uses its first occurrence', 'newYorkOverlap', '2026-10-31T12:00', 0.5, '2026-11-01T01:30-04:00'],
    ['counting backwards ends at the latest instant', 'newYork', '2026-03-09T10:00', -1, '2026-03-09T09:00-04:00'],
    ['counting backwards over a weekend', 'newYork', '2026-03-09T10:00', -2, '2026-03-06T16:00-05:00'],
    ['counting backwards from outside hours', 'newYork', '2026-03-02T20:00', -0.5, '2026-03-02T16:30-05:00'],
  ])('%s (%s, %s + %sh)', (_label, name, local, hours, expected) => {
    expect(show(name, addBusinessHours(calendars[name], at(name, local), hours))).toBe(expected);
  });

  it('accepts a start given in any zone', () => {
    const start = new Date('2026-03-02T03:00:00Z'); // 08:30 in Kolkata, before its 09:30 opening
    expect(addBusinessHours(calendars.kolkata, start, 1).toISOString()).toBe('2026-03-02T05:00:00.000Z');
  });

  it('refuses a calendar with no working hours, with a typed error', () => {
    const closed: BusinessCalendar = { timeZone: 'UTC', weeklyHours: week([]), holidays: [] };
    expect(hasWorkingTime(closed)).toBe(false);
    const attempt = () => addBusinessHours(closed, new Date('2026-03-02T10:00:00Z'), 1);
    expect(attempt).toThrow(BusinessTimeError);
    expect(attempt).toThrow(expect.objectContaining({ code: 'no_working_time' }));
    expect(() => nextWorkingStart(closed, new Date('2026-03-02T10:00:00Z'))).toThrow(expect.objectContaining({ code: 'no_working_time' }));
    expect(isWorkingAt(closed, new Date('2026-03-02T10:00:00Z'))).toBe(false);
    expect(businessHoursBetween(closed, new Date('2026-03-02T10:00:00Z'), new Date('2026-03-09T10:00:00Z'))).toBe(0);
  });

  it('refuses an interval that crosses midnight instead of guessing', () => {
    const overnight: BusinessCalendar = { timeZone: 'Europe/Berlin', weeklyHours: week([['22:00', '06:00']]), holidays: [] };
    expect(() => addBusinessHours(overnight, new Date('2026-03-02T10:00:00Z'), 1)).toThrow(
      expect.objectContaining({ code: 'invalid_calendar' }),
    );
  });

  it('refuses an invalid instant', () => {
    expect(() => addBusinessHours(calendars.newYork, new Date(Number.NaN), 1)).toThrow(
      expect.objectContaining({ code: 'invalid_instant' }),
    );
  });
});

describe('businessHoursBetween', () => {
  it.each<[string, CalendarName, string, string, number]>([
    ['a working week', 'newYork', '2026-03-02T09:00', '2026-03-06T17:00', 40],
    ['Friday to Monday across spring-forward', 'newYork', '2026-03-06T16:00', '2026-03-09T10:00', 2],
    ['backwards is negative', 'newYork', '2026-03-09T10:00', '2026-03-06T16:00', -2],
    ['the same instant', 'newYork', '2026-03-02T10:00', '2026-03-02T10:00', 0],
    ['a week with a holiday', 'newYork', '2026-11-23T00:00', '2026-11-28T00:00', 32],
    ['the spring-forward day of a 24/7 calendar', 'newYorkAllWeek', '2026-03-08T00:00', '2026-03-09T00:00', 23],
    ['the fall-back day of a 24/7 calendar', 'newYorkAllWeek', '2026-11-01T00:00', '2026-11-02T00:00', 25],
    ['a split day', 'berlin', '2026-03-02T00:00', '2026-03-03T00:00', 7],
    ['the first occurrence only, inside an overlap', 'newYorkOverlap', '2026-10-31T00:00', '2026-11-02T00:00', 0.5],
    ['a gap cuts an interval short', 'newYorkSmallHours', '2026-03-07T00:00', '2026-03-09T00:00', 1],
    ['half-hour offsets', 'kolkata', '2026-03-02T09:00', '2026-03-02T12:00', 2.5],
    ['the night shift over one week', 'berlinNights', '2026-03-02T00:00', '2026-03-09T00:00', 56],
  ])('%s (%s)', (_label, name, from, to, expected) => {
    expect(businessHoursBetween(calendars[name], at(name, from), at(name, to))).toBeCloseTo(expected, 9);
  });
});

describe('isWorkingAt and nextWorkingStart', () => {
  it.each<[string, CalendarName, string, boolean, string]>([
    ['the opening instant is working', 'newYork', '2026-03-02T09:00', true, '2026-03-02T09:00-05:00'],
    ['the closing instant is not', 'newYork', '2026-03-02T17:00', false, '2026-03-03T09:00-05:00'],
    ['a holiday is not', 'newYork', '2026-11-26T10:00', false, '2026-11-27T09:00-05:00'],
    ['a weekend is not', 'newYork', '2026-03-08T10:00', false, '2026-03-09T09:00-04:00'],
    ['lunch is not', 'berlin', '2026-03-02T12:30', false, '2026-03-02T13:00+01:00'],
    ['a minute before a half-hour opening', 'kolkata', '2026-03-02T09:29', false, '2026-03-02T09:30+05:30'],
    ['midnight inside a night shift', 'berlinNights', '2026-03-03T00:00', true, '2026-03-03T00:00+01:00'],
    ['24/7 inside the repeated hour', 'newYorkAllWeek', '2026-11-01T01:30', true, '2026-11-01T01:30-05:00'],
  ])('%s (%s %s)', (_label, name, local, working, next) => {
    expect(isWorkingAt(calendars[name], at(name, local))).toBe(working);
    expect(show(name, nextWorkingStart(calendars[name], at(name, local)))).toBe(next);
  });
});

describe('escalationFireAt', () => {
  it.each<[string, string, { hours: number; business: boolean }, string]>([
    ['at due', '2026-03-09T10:00', { hours: 0, business: true }, '2026-03-09T10:00-04:00'],
    ['2 business hours before a Monday due', '2026-03-09T10:00', { hours: -2, business: true }, '2026-03-06T16:00-05:00'],
    ['4 business hours after a Friday due', '2026-03-06T15:00', { hours: 4, business: true }, '2026-03-09T11:00-04:00'],
    ['2 clock hours before due', '2026-03-09T10:00', { hours: -2, business: false }, '2026-03-09T08:00-04:00'],
    ['clock hours across the DST jump are elapsed hours', '2026-03-07T23:00', { hours: 4, business: false }, '2026-03-08T04:00-04:00'],
    [
      'after a due that sits at a close starts at the next opening',
      '2026-03-06T17:00',
      { hours: 1, business: true },
      '2026-03-09T10:00-04:00',
    ],
  ])('%s', (_label, due, offset, expected) => {
    expect(show('newYork', escalationFireAt(calendars.newYork, at('newYork', due), offset))).toBe(expected);
  });
});

describe('calendar validation', () => {
  it.each<[string, Hours, string[]]>([
    ['a normal day', [['09:00', '17:00']], []],
    ['a day ending at 24:00', [['18:00', '24:00']], []],
    [
      'touching intervals',
      [
        ['09:00', '12:00'],
        ['12:00', '17:00'],
      ],
      [],
    ],
    ['an interval crossing midnight', [['22:00', '06:00']], ['mon.0']],
    ['an empty interval', [['09:00', '09:00']], ['mon.0']],
    [
      'overlapping intervals',
      [
        ['09:00', '12:00'],
        ['11:00', '17:00'],
      ],
      ['mon.1'],
    ],
    [
      'unordered intervals',
      [
        ['13:00', '17:00'],
        ['09:00', '12:00'],
      ],
      ['mon.1'],
    ],
    ['a bad open time', [['9:00', '17:00']], ['mon.0.0']],
    ['24:00 as an open time', [['24:00', '24:00']], ['mon.0.0']],
    ['a bad close time', [['09:00', '24:30']], ['mon.0.1']],
  ])('%s', (_label, monday, paths) => {
    expect(validateWeeklyHours({ ...week([]), mon: monday }).map((issue) => issue.path)).toEqual(paths);
  });

  it('checks the zone, the holiday dates and that some time is working', () => {
    const issues = validateBusinessCalendar({
      timeZone: 'Mars/Olympus',
      weeklyHours: week([['09:00', '17:00']]),
      holidays: ['2026-02-30', '2026-12-25'],
    });
    expect(issues.map((issue) => issue.path)).toEqual(['timeZone', 'holidays.0']);
    expect(validateBusinessCalendar({ timeZone: 'UTC', weeklyHours: week([]), holidays: [] }).map((issue) => issue.path)).toEqual([
      'weeklyHours',
    ]);
    for (const calendar of Object.values(calendars)) expect(validateBusinessCalendar(calendar)).toEqual([]);
  });
});

describe('business-time properties', () => {
  const names = Object.keys(calendars) as CalendarName[];
  const calendarName = fc.constantFrom(...names.filter((name) => name !== 'newYorkSmallHours' && name !== 'newYorkOverlap'));
  // 2026 and 2027, so every DST change of both years is in range.
  const instant = fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 11, 31) }).map((ms) => new Date(ms));
  const hours = fc.integer({ min: 0, max: 120 * 60 }).map((minutes) => minutes / 60);

  it('addBusinessHours is monotonic in hours', () => {
    fc.assert(
      fc.property(calendarName, instant, hours, hours, (name, start, a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        const calendar = calendars[name];
        expect(addBusinessHours(calendar, start, low).getTime()).toBeLessThanOrEqual(addBusinessHours(calendar, start, high).getTime());
      }),
    );
  });

  it('businessHoursBetween measures back exactly what addBusinessHours added', () => {
    fc.assert(
      fc.property(calendarName, instant, hours, (name, start, h) => {
        const calendar = calendars[name];
        const due = addBusinessHours(calendar, start, h);
        expect(businessHoursBetween(calendar, nextWorkingStart(calendar, start), due)).toBeCloseTo(h, 6);
        expect(businessHoursBetween(calendar, start, due)).toBeCloseTo(h, 6);
      }),
    );
  });

  it('the result is a working instant or the end of an interval', () => {
    fc.assert(
      fc.property(calendarName, instant, hours, (name, start, h) => {
        const calendar = calendars[name];
        const due = addBusinessHours(calendar, start, h);
        const justBefore = new Date(due.getTime() - 1);
        expect(isWorkingAt(calendar, due) || (h > 0 && isWorkingAt(calendar, justBefore))).toBe(true);
      }),
    );
  });

  it('counting backwards is the inverse, measured from the result', () => {
    // Zero hours is "the next working instant" in either direction, so backwards starts at one minute.
    const positiveHours = fc.integer({ min: 1, max: 120 * 60 }).map((minutes) => minutes / 60);
    fc.assert(
      fc.property(calendarName, instant, positiveHours, (name, end, h) => {
        const calendar = calendars[name];
        const earlier = addBusinessHours(calendar, end, -h);
        expect(earlier.getTime()).toBeLessThanOrEqual(end.getTime());
        expect(businessHoursBetween(calendar, earlier, end)).toBeCloseTo(h, 6);
      }),
    );
  });
});
