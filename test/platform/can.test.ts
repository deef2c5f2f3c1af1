import { describe, expect, it } from 'vitest';
import { type Actor, systemActor } from '../../src/platform/access/actor.js';
import { assertCan, can } from '../../src/platform/access/can.js';
import type { Role } from '../../src/platform/db/database.js';

const user = (role: Role, partnerId: string | null = null): Actor => ({ kind: 'user', userId: 'u', role, partnerId, label: role, via: 'token' });

describe('can(actor, permission, resource)', () => {
  it.each([
    [user('admin'), 'user.manage', undefined, true],
    [user('revops'), 'user.manage', undefined, false],
    [user('revops'), 'team.manage', undefined, true],
    [user('sales_rep'), 'audit.read', undefined, false],
    [user('sales_manager'), 'audit.read', undefined, true],
    [user('finance'), 'audit.verify', undefined, false],
    [user('integration'), 'token.manage_own', undefined, true],
    [user('channel_manager'), 'partner.manage', undefined, true],
    [user('partner_admin', 'p1'), 'user.read', { partnerId: 'p1' }, false],
    [user('admin'), 'user.read', { partnerId: 'p1' }, true],
    [systemActor('cli'), 'user.manage', undefined, true],
  ] as const)('%o %s %o → %s', (actor, permission, resource, expected) => {
    expect(can(actor, permission, resource)).toBe(expected);
  });

  it('keeps partner actors inside their own partner even when the role holds the permission', async () => {
    const { rolePermissions } = await import('../../src/platform/access/permissions.js');
    const original = rolePermissions.partner_admin;
    (rolePermissions as Record<Role, readonly string[]>).partner_admin = ['user.read'];
    try {
      const actor = user('partner_admin', 'p1');
      expect(can(actor, 'user.read', { partnerId: 'p1' })).toBe(true);
      expect(can(actor, 'user.read', { partnerId: 'p2' })).toBe(false);
      expect(can(actor, 'user.read', { partnerId: null })).toBe(false);
      // a foreign object is reported as missing, never as forbidden
      expect(() => assertCan(actor, 'user.read', { partnerId: 'p2' })).toThrow(expect.objectContaining({ code: 'not_found' }));
      expect(() => assertCan(actor, 'user.manage')).toThrow(expect.objectContaining({ code: 'forbidden' }));
    } finally {
      (rolePermissions as Record<Role, readonly string[]>).partner_admin = original;
    }
  });
});
