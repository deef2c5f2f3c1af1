import { IANAZone } from 'luxon';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export const isValidTimeZone = (zone: string) => IANAZone.isValidZone(zone);

/** A 9–17 working week, the default for calendars created without hours. */
export const STANDARD_WEEK: Record<Weekday, Array<[string, string]>> = {
  mon: [['09:00', '17:00']],
  tue: [['09:00', '17:00']],
  wed: [['09:00', '17:00']],
  thu: [['09:00', '17:00']],
  fri: [['09:00', '17:00']],
  sat: [],
  sun: [],
};
