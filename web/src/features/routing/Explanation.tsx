import { Badge, Card, Group, List, Stack, Table, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { useUserNames } from './shared';

type FailedCheck = { field: string; op: string; value?: unknown; actual?: unknown };
type Verdict = { ruleId: string | null; name: string; matched: boolean; failed: FailedCheck[] };
type Candidate = { userId: string; position: number; eligible: boolean; skipped?: string; detail?: string };
export type ExplanationModel = {
  rules: Verdict[];
  candidates: Candidate[];
  path: string[];
  ownerId: string | null;
  unassigned?: { code?: string; reasonCode?: string; reason: string } | null;
};

const show = (v: unknown): string => (v === undefined ? '(missing)' : typeof v === 'string' ? `"${v}"` : JSON.stringify(v));

/** Reads an assignment's stored explanation (a JSON column) defensively into the model. */
export function explanationFrom(raw: unknown, ownerId: string | null): ExplanationModel | null {
  if (!raw || typeof raw !== 'object') return null;
  const e = raw as Partial<{ rules: Verdict[]; candidates: Candidate[]; path: string[] }>;
  return {
    rules: Array.isArray(e.rules) ? e.rules : [],
    candidates: Array.isArray(e.candidates) ? e.candidates : [],
    path: Array.isArray(e.path) ? e.path : [],
    ownerId,
  };
}

/** "Why this owner?": every rule up to the winner with the checks that failed and the actual values, then the pool's candidates. */
export function ExplanationView({ explanation, extra }: { explanation: ExplanationModel; extra?: ReactNode }) {
  const { nameOf } = useUserNames();
  return (
    <Stack gap="sm" data-testid="explanation">
      <Card withBorder radius="md" p="sm">
        <Text fw={600} mb={4}>
          Rules evaluated
        </Text>
        {explanation.rules.length === 0 && (
          <Text size="sm" c="dimmed">
            No rule was evaluated (manual or imported assignment).
          </Text>
        )}
        <Stack gap={6}>
          {explanation.rules.map((rule, i) => (
            <div key={`${rule.ruleId ?? ''}${i}`} data-testid="verdict" data-matched={String(rule.matched)}>
              <Group gap="xs">
                <Badge color={rule.matched ? 'green' : 'gray'} variant={rule.matched ? 'filled' : 'light'} size="sm">
                  {rule.matched ? 'matched' : 'no match'}
                </Badge>
                <Text size="sm" fw={rule.matched ? 700 : 500}>
                  {i + 1}. {rule.name}
                </Text>
              </Group>
              {rule.failed.length > 0 && (
                <List size="xs" ml="xl" mt={2}>
                  {rule.failed.map((check, j) => (
                    <List.Item key={j} data-testid="failed-check">
                      <Text span size="xs" ff="monospace">
                        {check.field} {check.op} {check.value === undefined ? '' : show(check.value)}
                      </Text>{' '}
                      <Text span size="xs" c="red">
                        — actual {show(check.actual)}
                      </Text>
                    </List.Item>
                  ))}
                </List>
              )}
            </div>
          ))}
        </Stack>
      </Card>
      <Card withBorder radius="md" p="sm">
        <Group gap="xs" mb={4}>
          <Text fw={600}>Placement</Text>
          {explanation.path.map((step, i) => (
            <Badge key={i} variant="outline" size="sm" tt="none">
              {step}
            </Badge>
          ))}
        </Group>
        <Text size="sm" data-testid="explanation-owner">
          Owner: <b>{explanation.ownerId ? nameOf(explanation.ownerId) : 'nobody'}</b>
          {explanation.unassigned && (
            <Text span c="red" size="sm">
              {' '}
              — unassigned: {explanation.unassigned.reason}
            </Text>
          )}
        </Text>
        {extra}
        {explanation.candidates.length > 0 && (
          <Table mt="xs" fz="sm" verticalSpacing={2} data-testid="candidates">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>#</Table.Th>
                <Table.Th>Candidate</Table.Th>
                <Table.Th>Eligible</Table.Th>
                <Table.Th>Skipped because</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {explanation.candidates.map((c) => (
                <Table.Tr
                  key={c.userId}
                  data-testid="candidate"
                  data-eligible={String(c.eligible)}
                  fw={c.userId === explanation.ownerId ? 700 : undefined}
                >
                  <Table.Td>{c.position}</Table.Td>
                  <Table.Td>{nameOf(c.userId)}</Table.Td>
                  <Table.Td>
                    {c.eligible ? (
                      <Badge color="green" size="xs">
                        yes
                      </Badge>
                    ) : (
                      <Badge color="gray" size="xs">
                        no
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td c="dimmed">{[c.skipped?.replace(/_/g, ' '), c.detail].filter(Boolean).join(': ') || '—'}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Card>
    </Stack>
  );
}
