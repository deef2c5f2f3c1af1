import { describe, expect, it } from 'vitest';
import {
  type FiringTimer,
  escalationAuditReason,
  escalationNotifications,
  escalationOutcome,
  isAuditedEscalation,
} from '../../src/routing/core/escalation.js';

const OWNER = '00000000-0000-4000-8000-000000000001';
const MANAGER = '00000000-0000-4000-8000-000000000002';
const timer = (action: FiringTimer['action'], managerId: string | null, stepIndex = 1): FiringTimer => ({
  id: '00000000-0000-4000-8000-0000000000aa',
  action,
  stepIndex,
  assignmentId: '00000000-0000-4000-8000-0000000000bb',
  recordType: 'lead',
  recordId: '00000000-0000-4000-8000-0000000000cc',
  ownerId: OWNER,
  managerId,
  dueAt: new Date('2026-11-23T13:00:00Z'),
  reason: 'Matched rule Inbound',
});
const body = 'Matched rule Inbound — due 2026-11-23T13:00:00.000Z';

describe('what a fired escalation timer does', () => {
  it.each([
    ['due_soon', MANAGER, [[OWNER, 'due_soon', 'Due soon: lead']], 'owner reminded', false],
    [
      'breach',
      MANAGER,
      [
        [OWNER, 'breached', 'SLA breached: lead'],
        [MANAGER, 'breached', 'Your team breached an SLA'],
      ],
      'breached',
      true,
    ],
    ['breach', OWNER, [[OWNER, 'breached', 'SLA breached: lead']], 'breached', true], // the owner manages their own team: told once
    ['breach', null, [[OWNER, 'breached', 'SLA breached: lead']], 'breached', true],
    ['notify_owner', MANAGER, [[OWNER, 'escalated', 'Escalation: lead needs you']], 'owner notified', true],
    ['notify_manager', MANAGER, [[MANAGER, 'escalated', 'Escalated to you: lead']], 'manager notified', true],
    ['notify_manager', null, [], 'no manager to notify', true],
  ] as const)('%s (manager %s) → %j, outcome %s, audited %s', (action, manager, expected, outcome, audited) => {
    const t = timer(action, manager);
    expect(escalationNotifications(t)).toEqual(expected.map(([userId, kind, title]) => ({ userId, kind, title, body })));
    expect(escalationOutcome(t)).toBe(outcome);
    expect(isAuditedEscalation(t)).toBe(audited);
  });

  it.each([
    ['breach', 0, 'SLA breached (assignment 00000000-0000-4000-8000-0000000000bb)'],
    ['notify_owner', 1, 'escalation step 1: notify_owner (assignment 00000000-0000-4000-8000-0000000000bb)'],
    ['notify_manager', 2, 'escalation step 2: notify_manager (assignment 00000000-0000-4000-8000-0000000000bb)'],
  ] as const)('audit reason of %s at step %i', (action, step, reason) => {
    expect(escalationAuditReason(timer(action, MANAGER, step))).toBe(reason);
  });
});
