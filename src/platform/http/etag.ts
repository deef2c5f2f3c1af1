import { AppError } from '../errors.js';

/** Strong validator for a versioned row. */
export const etagOf = (version: number) => `"v${version}"`;

/** The version the client claims to have read; parsed at the edge so use cases compare plain numbers. */
export function versionFromIfMatch(header: string | undefined): number {
  if (header === undefined || header.trim() === '') throw new AppError('precondition_required', 'Send If-Match with the ETag you last read.');
  const match = /^"v(\d+)"$/.exec(header.trim());
  if (!match) throw new AppError('precondition_failed', 'If-Match does not name a current version of this resource.');
  return Number(match[1]);
}

/** Inside the transaction, after the row lock: the claimed version must still be the row's. */
export function assertVersion(current: number, expected: number): void {
  if (current !== expected) throw new AppError('precondition_failed', `The resource is at version ${current}; you sent ${expected}.`);
}
