import { ActionIcon, Card, Group, NumberInput, Select, Stack, Text, TextInput } from '@mantine/core';
import { type ErrorsByPath, ConditionNode, errorsAt } from './ConditionBuilder';
import { PRIORITIES, type RecordType, RELATIONS, type Rule, type Target } from './catalog';
import { useRoutingTargets, useUserNames } from './shared';

function TargetPicker({
  target,
  onChange,
  readOnly,
  path,
  errors,
}: {
  target: Target;
  onChange: (t: Target) => void;
  readOnly: boolean;
  path: string;
  errors: ErrorsByPath;
}) {
  const { pools, queues } = useRoutingTargets();
  const { users } = useUserNames();
  const options =
    target.type === 'user'
      ? users.filter((u) => u.active && !u.role.startsWith('partner')).map((u) => ({ value: u.id, label: u.name }))
      : target.type === 'pool'
        ? pools.map((p) => ({ value: p.id, label: p.name }))
        : target.type === 'queue'
          ? queues.map((q) => ({ value: q.id, label: q.name }))
          : RELATIONS.map((r) => ({ value: r, label: r }));
  const current = target.type === 'relative' ? target.relation : target.id;
  const messages = errorsAt(errors, `${path}.target`);
  return (
    <Group gap={6} align="flex-start">
      <Select
        size="xs"
        label="Assign to"
        w={120}
        data={[
          { value: 'pool', label: 'Pool' },
          { value: 'user', label: 'User' },
          { value: 'queue', label: 'Queue' },
          { value: 'relative', label: 'Relative' },
        ]}
        value={target.type}
        allowDeselect={false}
        readOnly={readOnly}
        onChange={(type) => {
          if (type === 'relative') onChange({ type: 'relative', relation: 'account.owner' });
          else if (type === 'user' || type === 'pool' || type === 'queue') onChange({ type, id: '' });
        }}
        data-testid="target-type"
      />
      <Select
        size="xs"
        label={target.type === 'relative' ? 'Relation' : target.type}
        w={240}
        searchable
        data={options}
        value={current || null}
        readOnly={readOnly}
        error={messages.length > 0 ? messages.join('; ') : undefined}
        onChange={(v) => {
          if (!v) return;
          if (target.type === 'relative') onChange({ type: 'relative', relation: v as Target extends { relation: infer R } ? R : never });
          else onChange({ type: target.type, id: v });
        }}
        data-testid="target-id"
      />
    </Group>
  );
}

export function RuleCard({
  rule,
  index,
  count,
  recordType,
  errors,
  readOnly,
  onChange,
  onMove,
  onRemove,
}: {
  rule: Rule;
  index: number;
  count: number;
  recordType: RecordType;
  errors: ErrorsByPath;
  readOnly: boolean;
  onChange: (rule: Rule) => void;
  onMove: (delta: -1 | 1) => void;
  onRemove: () => void;
}) {
  const { policies } = useRoutingTargets();
  const path = `rules[${index}]`;
  const ruleErrors = [...(errors.get(path) ?? []), ...(errors.get(`${path}.id`) ?? [])];
  const setThen = (then: Partial<Rule['then']>) => {
    const next = { ...rule.then, ...then };
    for (const key of Object.keys(next) as Array<keyof Rule['then']>) if (next[key] === undefined) delete next[key];
    onChange({ ...rule, then: next });
  };
  return (
    <Card withBorder radius="md" p="sm" data-testid="rule-card" data-index={index}>
      <Stack gap="xs">
        <Group justify="space-between" wrap="nowrap">
          <Group gap="xs" wrap="nowrap" style={{ flex: 1 }}>
            <Text fw={700} c="dimmed" w={28}>
              {index + 1}.
            </Text>
            <TextInput
              size="sm"
              value={rule.name}
              onChange={(e) => onChange({ ...rule, name: e.currentTarget.value })}
              readOnly={readOnly}
              style={{ flex: 1 }}
              error={errorsAt(errors, `${path}.name`).join('; ') || undefined}
              data-testid="rule-name"
            />
          </Group>
          {!readOnly && (
            <Group gap={2} wrap="nowrap">
              <ActionIcon variant="subtle" color="gray" disabled={index === 0} onClick={() => onMove(-1)} aria-label="Move up">
                ↑
              </ActionIcon>
              <ActionIcon variant="subtle" color="gray" disabled={index === count - 1} onClick={() => onMove(1)} aria-label="Move down">
                ↓
              </ActionIcon>
              <ActionIcon variant="subtle" color="red" onClick={onRemove} aria-label="Remove rule" data-testid="remove-rule">
                ×
              </ActionIcon>
            </Group>
          )}
        </Group>
        {ruleErrors.length > 0 && (
          <Text size="xs" c="red" data-testid="condition-error" data-path={path}>
            {ruleErrors.join('; ')}
          </Text>
        )}
        <Text size="xs" fw={600} c="dimmed">
          WHEN
        </Text>
        <ConditionNode
          value={rule.when ?? { all: [] }}
          path={`${path}.when`}
          recordType={recordType}
          errors={errors}
          readOnly={readOnly}
          onChange={(when) => onChange({ ...rule, when })}
        />
        <Text size="xs" fw={600} c="dimmed">
          THEN
        </Text>
        <Group gap="sm" align="flex-start" wrap="wrap">
          <TargetPicker
            target={rule.then.target}
            onChange={(target) => setThen({ target })}
            readOnly={readOnly}
            path={`${path}.then`}
            errors={errors}
          />
          <NumberInput
            size="xs"
            label="SLA hours"
            w={100}
            min={0}
            value={rule.then.slaHours ?? ''}
            readOnly={readOnly}
            onChange={(v) => setThen({ slaHours: typeof v === 'number' ? v : undefined })}
          />
          <Select
            size="xs"
            label="Priority"
            w={110}
            clearable
            data={[...PRIORITIES]}
            value={rule.then.priority ?? null}
            readOnly={readOnly}
            onChange={(v) => setThen({ priority: (v ?? undefined) as Rule['then']['priority'] })}
          />
          <Select
            size="xs"
            label="Escalation"
            w={200}
            clearable
            data={policies.map((p) => ({ value: p.id, label: p.name }))}
            value={rule.then.escalationPolicyId ?? null}
            readOnly={readOnly}
            onChange={(v) => setThen({ escalationPolicyId: v ?? undefined })}
          />
        </Group>
      </Stack>
    </Card>
  );
}
