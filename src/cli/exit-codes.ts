/** What scripts can rely on. */
export const EXIT = {
  ok: 0,
  /** A check failed (audit verify) or the request was refused (bad input, conflict). */
  failed: 1,
  /** Unknown command or option, missing argument. */
  usage: 2,
  /** Could not run at all: database unreachable, configuration invalid. */
  unavailable: 3,
} as const;
