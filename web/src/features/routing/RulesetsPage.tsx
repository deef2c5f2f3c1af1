import '@mantine/charts/styles.css';
import {
  Alert,
  Badge,
  Button,
  Card,
  Group,
  Modal,
  NumberInput,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Tabs,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { BarChart } from '@mantine/charts';
import { useDebouncedValue } from '@mantine/hooks';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { ErrorAlert } from '../../app/ErrorAlert';
import { api, type FieldError, isApiError, unwrap } from '../../lib/api-client';
import { formatDateTime } from '../../lib/format';
import { useMe } from '../../lib/session';
import { RECORD_TYPES, type RecordType, type Rule } from './catalog';
import { type ErrorsByPath } from './ConditionBuilder';
import { RuleCard } from './RuleEditor';
import { ExplanationView } from './Explanation';
import {
  hasPermission,
  ifMatch,
  type RulesetView,
  type Simulation,
  StateBadge,
  StatCard,
  type TestResult,
  useRoutingTargets,
  useUserNames,
} from './shared';

type ApiRules = NonNullable<
  import('../../lib/api-types').paths['/api/v1/rulesets/validate']['post']['requestBody']
>['content']['application/json']['rules'];
const TYPE_LABELS: Record<RecordType, string> = { lead: 'Leads', account: 'Accounts', opportunity: 'Opportunities' };
const asApiRules = (rules: Rule[]) => rules as unknown as ApiRules;

const groupErrors = (errors: FieldError[]): ErrorsByPath => {
  const map: ErrorsByPath = new Map();
  for (const e of errors) map.set(e.path, [...(map.get(e.path) ?? []), e.message]);
  return map;
};

/** Live validation against the server's catalogue; a 400 (shape errors) is shown the same way. */
function useValidation(recordType: RecordType, rules: Rule[] | null) {
  const [debounced] = useDebouncedValue(rules, 300);
  return useQuery({
    queryKey: ['ruleset-validate', recordType, debounced],
    queryFn: async () => {
      try {
        return await unwrap(api.POST('/api/v1/rulesets/validate', { body: { recordType, rules: asApiRules(debounced ?? []) } }));
      } catch (error) {
        if (isApiError(error) && error.status === 400) return { valid: false, publishable: false, errors: error.errors };
        throw error;
      }
    },
    enabled: debounced !== null,
    retry: false,
  });
}

function TestPanel({ recordType, rules }: { recordType: RecordType; rules: Rule[] }) {
  const [mode, setMode] = useState<'record' | 'facts'>('record');
  const [search, setSearch] = useState('');
  const [debouncedSearch] = useDebouncedValue(search, 300);
  const [recordId, setRecordId] = useState<string | null>(null);
  const [factsText, setFactsText] = useState('{\n  "region": "East",\n  "amount": 500000\n}');
  const records = useQuery({
    queryKey: ['records-pick', recordType, debouncedSearch],
    queryFn: async () => {
      const query = { params: { query: { limit: 25, ...(debouncedSearch && { q: debouncedSearch }) } } };
      const page =
        recordType === 'lead'
          ? await unwrap(api.GET('/api/v1/leads', query))
          : recordType === 'account'
            ? await unwrap(api.GET('/api/v1/accounts', query))
            : await unwrap(api.GET('/api/v1/opportunities', query));
      return page.items.map((r) => ({ value: r.id, label: r.name }));
    },
  });
  const test = useMutation({
    mutationFn: () => {
      const subject = mode === 'record' ? { recordId: recordId ?? undefined } : { facts: JSON.parse(factsText) as Record<string, unknown> };
      return unwrap(api.POST('/api/v1/rulesets/test', { body: { recordType, rules: asApiRules(rules), ...subject } }));
    },
  });
  return (
    <Stack gap="sm" data-testid="test-panel">
      <SegmentedControl
        size="xs"
        value={mode}
        onChange={(v) => setMode(v as 'record' | 'facts')}
        data={[
          { value: 'record', label: 'Pick a record' },
          { value: 'facts', label: 'Type facts' },
        ]}
        w={260}
      />
      <Group align="flex-end">
        {mode === 'record' ? (
          <Select
            label="Record"
            searchable
            searchValue={search}
            onSearchChange={setSearch}
            data={records.data ?? []}
            value={recordId}
            onChange={setRecordId}
            filter={({ options }) => options}
            w={360}
            placeholder="Search by name"
            data-testid="test-record"
          />
        ) : (
          <Textarea
            label="Facts (JSON)"
            autosize
            minRows={3}
            w={360}
            value={factsText}
            onChange={(e) => setFactsText(e.currentTarget.value)}
            ff="monospace"
            data-testid="test-facts"
          />
        )}
        <Button onClick={() => test.mutate()} loading={test.isPending} disabled={mode === 'record' && !recordId} data-testid="run-test">
          Test
        </Button>
      </Group>
      {test.isError && <ErrorAlert error={test.error} title="Test failed" />}
      {test.data && <TestResultView result={test.data} />}
    </Stack>
  );
}

function TestResultView({ result }: { result: TestResult }) {
  const placement = result.placement;
  return (
    <Stack gap="xs" data-testid="test-result">
      <Text size="sm">
        Matched rule: <b data-testid="test-matched-rule">{result.matchedRule?.name ?? 'none'}</b>
      </Text>
      <ExplanationView
        explanation={{
          rules: result.rules,
          candidates: placement?.candidates ?? [],
          path: placement?.path ?? [],
          ownerId: placement?.ownerId ?? null,
          unassigned: placement?.unassigned ?? null,
        }}
      />
    </Stack>
  );
}

function SimulatePanel({ recordType, rules }: { recordType: RecordType; rules: Rule[] }) {
  const [sinceDays, setSinceDays] = useState<number>(30);
  const { nameOf } = useUserNames();
  const simulate = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/routing/simulate', { body: { recordType, rules: asApiRules(rules), sinceDays } })),
  });
  return (
    <Stack gap="sm" data-testid="simulate-panel">
      <Group align="flex-end">
        <NumberInput
          label="Records created in the last N days"
          min={1}
          max={365}
          value={sinceDays}
          onChange={(v) => setSinceDays(typeof v === 'number' ? v : 30)}
          w={240}
          data-testid="simulate-days"
        />
        <Button onClick={() => simulate.mutate()} loading={simulate.isPending} data-testid="run-simulate">
          Simulate
        </Button>
      </Group>
      {simulate.isError && <ErrorAlert error={simulate.error} title="Simulation failed" />}
      {simulate.data && <SimulationView sim={simulate.data} nameOf={nameOf} />}
    </Stack>
  );
}

function SimulationView({ sim, nameOf }: { sim: Simulation; nameOf: (id: string | null) => string }) {
  const s = sim.summary;
  const distribution = [...s.distribution]
    .sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta) || b.projected - a.projected)
    .slice(0, 20)
    .map((d) => ({ owner: d.ownerId ? nameOf(d.ownerId) : 'Unassigned', Current: d.current, Projected: d.projected }));
  const load = [...s.load]
    .sort((a, b) => b.projected - a.projected)
    .slice(0, 20)
    .map((l) => ({ owner: nameOf(l.userId), Projected: l.projected, 'WIP cap': l.wipCap ?? undefined }));
  const changed = sim.decisions.filter((d) => d.changed).slice(0, 100);
  return (
    <Stack gap="md" data-testid="simulation-result">
      <SimpleGrid cols={{ base: 2, md: 5 }}>
        <StatCard label="Records" value={s.records} testId="sim-records" />
        <StatCard label="Owner changes" value={s.changed} color={s.changed > 0 ? 'orange' : undefined} testId="sim-changed" />
        <StatCard label="Unplaced" value={s.unplaced} color={s.unplaced > 0 ? 'red' : undefined} testId="sim-unplaced" />
        <StatCard label="Catch-all hits" value={s.catchAllHits} testId="sim-catch-all" />
        <StatCard
          label="Over cap"
          value={s.load.filter((l) => l.over).length}
          color={s.load.some((l) => l.over) ? 'red' : undefined}
          testId="sim-over"
        />
      </SimpleGrid>
      {sim.truncated && <Alert color="yellow">Only the first records were simulated.</Alert>}
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <Card withBorder radius="md" data-testid="sim-distribution-chart">
          <Text fw={600} mb="xs">
            Distribution: current vs projected
          </Text>
          <BarChart
            h={260}
            data={distribution}
            dataKey="owner"
            series={[
              { name: 'Current', color: 'gray.5' },
              { name: 'Projected', color: 'blue.6' },
            ]}
            tickLine="y"
            xAxisProps={{ interval: 0, angle: -35, textAnchor: 'end', height: 80, fontSize: 10 }}
            withLegend
          />
        </Card>
        <Card withBorder radius="md" data-testid="sim-load-chart">
          <Text fw={600} mb="xs">
            Projected load vs WIP cap
          </Text>
          {load.length === 0 && (
            <Text c="dimmed" size="sm">
              No rule in this simulation sends work to a pool, so no pool member's load changes.
            </Text>
          )}
          {load.length > 0 && (
            <BarChart
              h={260}
              data={load}
              dataKey="owner"
              series={[
                { name: 'Projected', color: 'indigo.6' },
                { name: 'WIP cap', color: 'red.3' },
              ]}
              tickLine="y"
              xAxisProps={{ interval: 0, angle: -35, textAnchor: 'end', height: 80, fontSize: 10 }}
              withLegend
            />
          )}
        </Card>
      </SimpleGrid>
      <Card withBorder radius="md" p="sm" data-testid="sim-rule-hits">
        <Text fw={600} mb={4}>
          Rule hits
        </Text>
        <Group gap="xs">
          {s.ruleHits.map((h, i) => (
            <Badge
              key={`${h.ruleId ?? 'none'}${i}`}
              variant="light"
              color={h.ruleId === null ? 'red' : h.catchAll ? 'yellow' : 'blue'}
              tt="none"
              size="lg"
              data-testid="sim-rule-hit"
            >
              {h.ruleName ?? 'no rule matched'}: {h.hits}
            </Badge>
          ))}
        </Group>
      </Card>
      <Card withBorder radius="md" p={0}>
        <Table.ScrollContainer minWidth={700} mah={360}>
          <Table striped verticalSpacing={4} fz="sm" data-testid="sim-diff-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Record</Table.Th>
                <Table.Th>Current owner</Table.Th>
                <Table.Th>Projected owner</Table.Th>
                <Table.Th>Rule</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {changed.length === 0 && (
                <Table.Tr>
                  <Table.Td colSpan={4}>
                    <Text c="dimmed" ta="center" size="sm">
                      No owner would change.
                    </Text>
                  </Table.Td>
                </Table.Tr>
              )}
              {changed.map((d) => (
                <Table.Tr key={d.recordId} data-testid="sim-diff-row">
                  <Table.Td>{d.title}</Table.Td>
                  <Table.Td>{nameOf(d.currentOwnerId)}</Table.Td>
                  <Table.Td c={d.unassigned ? 'red' : undefined}>
                    {d.unassigned ? `unplaced: ${d.unassigned.reason}` : nameOf(d.projectedOwnerId)}
                  </Table.Td>
                  <Table.Td>{d.ruleName ?? '—'}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Card>
    </Stack>
  );
}

function ReasonModal({
  title,
  opened,
  onClose,
  onSubmit,
  loading,
}: {
  title: string;
  opened: boolean;
  onClose: () => void;
  onSubmit: (reason: string) => void;
  loading: boolean;
}) {
  const [reason, setReason] = useState('');
  return (
    <Modal opened={opened} onClose={onClose} title={title}>
      <Stack>
        <Textarea
          label="Reason"
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
          autosize
          minRows={2}
          data-testid="decision-reason"
        />
        <Button onClick={() => onSubmit(reason)} disabled={!reason.trim()} loading={loading} data-testid="decision-submit">
          {title}
        </Button>
      </Stack>
    </Modal>
  );
}

function RulesetEditor({
  ruleset,
  onOpen,
  notice,
  setNotice,
}: {
  ruleset: RulesetView;
  onOpen: (id: string) => void;
  notice: string | null;
  setNotice: (notice: string | null) => void;
}) {
  const me = useMe();
  const queryClient = useQueryClient();
  const recordType = ruleset.recordType as RecordType;
  const editable = ruleset.status === 'draft' && hasPermission(me, 'ruleset.write');
  const [name, setName] = useState(ruleset.name);
  const [rules, setRules] = useState<Rule[]>(ruleset.rules as unknown as Rule[]);
  const [view, setView] = useState<'builder' | 'json'>('builder');
  const [jsonText, setJsonText] = useState(() => JSON.stringify(ruleset.rules, null, 2));
  const [jsonError, setJsonError] = useState<string | null>(null);
  const [decision, setDecision] = useState<'return' | 'retire' | null>(null);
  const validation = useValidation(recordType, rules);
  const errors = useMemo(() => groupErrors(validation.data?.errors ?? []), [validation.data]);
  const dirty = name !== ruleset.name || JSON.stringify(rules) !== JSON.stringify(ruleset.rules);
  const { queues } = useRoutingTargets();

  const updateRules = (next: Rule[]) => {
    setRules(next);
    setJsonText(JSON.stringify(next, null, 2));
    setJsonError(null);
  };
  const onJson = (text: string) => {
    setJsonText(text);
    try {
      const parsed: unknown = JSON.parse(text);
      if (!Array.isArray(parsed)) throw new Error('the rules are a JSON array');
      setRules(parsed as Rule[]);
      setJsonError(null);
    } catch (error) {
      setJsonError(error instanceof Error ? error.message : 'not JSON');
    }
  };

  const refresh = async (next?: RulesetView) => {
    if (next) queryClient.setQueryData(['ruleset', next.id], next);
    await queryClient.invalidateQueries({ queryKey: ['rulesets'] });
  };
  const save = async (): Promise<RulesetView> => {
    const next = await unwrap(
      api.PATCH('/api/v1/rulesets/{id}', {
        params: { path: { id: ruleset.id }, header: ifMatch(ruleset.version) },
        body: { name, rules: asApiRules(rules) },
      }),
    );
    await refresh(next);
    return next;
  };
  const saveMutation = useMutation({ mutationFn: save, onSuccess: () => setNotice('Draft saved.') });
  const publish = useMutation({
    mutationFn: async () => {
      const current = dirty ? await save() : ruleset;
      const { data, response } = await api.POST('/api/v1/rulesets/{id}/publish', {
        params: { path: { id: ruleset.id }, header: ifMatch(current.version) },
      });
      return { outcome: data!, status: response.status };
    },
    onSuccess: async ({ outcome }) => {
      await refresh(outcome.ruleset);
      setNotice(
        outcome.pendingApproval
          ? 'Submitted for approval: another publisher must approve it.'
          : 'Published: new records route with this version.',
      );
    },
  });
  const approve = useMutation({
    mutationFn: () =>
      unwrap(api.POST('/api/v1/rulesets/{id}/approve', { params: { path: { id: ruleset.id }, header: ifMatch(ruleset.version) } })),
    onSuccess: async (next) => {
      await refresh(next);
      setNotice('Approved and published.');
    },
  });
  const decide = useMutation({
    mutationFn: ({ action, reason }: { action: 'return' | 'retire'; reason: string }) =>
      action === 'return'
        ? unwrap(
            api.POST('/api/v1/rulesets/{id}/return', {
              params: { path: { id: ruleset.id }, header: ifMatch(ruleset.version) },
              body: { reason },
            }),
          )
        : unwrap(
            api.POST('/api/v1/rulesets/{id}/retire', {
              params: { path: { id: ruleset.id }, header: ifMatch(ruleset.version) },
              body: { reason },
            }),
          ),
    onSuccess: async (next) => {
      setDecision(null);
      await refresh(next);
      setNotice(next.status === 'draft' ? 'Returned to draft.' : 'Retired.');
    },
  });
  const copy = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/rulesets/{id}/copy', { params: { path: { id: ruleset.id } }, body: {} })),
    onSuccess: async (next) => {
      await refresh(next);
      onOpen(next.id);
    },
  });
  const failure = saveMutation.error ?? publish.error ?? approve.error ?? decide.error ?? copy.error;

  const addRule = () => {
    const catchAll = rules.findIndex((r) => !r.when || ('all' in r.when && r.when.all.length === 0));
    const rule: Rule = {
      name: 'New rule',
      when: { all: [{ field: recordType === 'opportunity' ? 'stage' : 'region', op: 'eq' }] },
      then: { target: { type: 'relative', relation: 'account.owner' } },
    };
    updateRules(catchAll >= 0 ? [...rules.slice(0, catchAll), rule, ...rules.slice(catchAll)] : [...rules, rule]);
  };
  const addCatchAll = () => {
    const queue = queues[0];
    updateRules([
      ...rules,
      {
        name: 'Everything else',
        then: { target: queue ? { type: 'queue', id: queue.id } : { type: 'relative', relation: 'owner.manager' } },
      },
    ]);
  };
  const topErrors = [...errors.entries()]
    .filter(([path]) => !path.startsWith('rules[') || path.split('.').length === 1)
    .flatMap(([path, messages]) => messages.map((m) => `${path}: ${m}`));
  const canPublish = hasPermission(me, 'ruleset.publish');

  return (
    <Stack gap="md" data-testid="ruleset-editor" data-status={ruleset.status} data-id={ruleset.id}>
      <Group justify="space-between" align="flex-start">
        <Group gap="sm" align="center">
          <TextInput
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            readOnly={!editable}
            size="md"
            fw={700}
            w={360}
            data-testid="ruleset-name"
          />
          <Badge variant="outline">
            {recordType} v{ruleset.number}
          </Badge>
          <StateBadge state={ruleset.status} testId="ruleset-status" />
          {validation.data && (
            <Badge
              color={validation.data.errors.length === 0 ? (validation.data.publishable ? 'green' : 'yellow') : 'red'}
              variant="dot"
              data-testid="validation-state"
              data-publishable={String(validation.data.publishable)}
              data-errors={validation.data.errors.length}
            >
              {validation.data.errors.length === 0
                ? validation.data.publishable
                  ? 'valid, publishable'
                  : 'valid'
                : `${validation.data.errors.length} problem${validation.data.errors.length === 1 ? '' : 's'}`}
            </Badge>
          )}
        </Group>
        <Group gap="xs">
          {editable && (
            <>
              <Button
                variant="default"
                onClick={() => saveMutation.mutate()}
                loading={saveMutation.isPending}
                disabled={!dirty}
                data-testid="save-draft"
              >
                Save draft
              </Button>
              <Button
                color="green"
                onClick={() => publish.mutate()}
                loading={publish.isPending}
                disabled={!validation.data?.publishable}
                data-testid="publish"
              >
                Publish
              </Button>
            </>
          )}
          {ruleset.status === 'pending_approval' && canPublish && (
            <>
              <Button color="green" onClick={() => approve.mutate()} loading={approve.isPending} data-testid="approve">
                Approve
              </Button>
              <Button variant="light" color="orange" onClick={() => setDecision('return')} data-testid="return">
                Return
              </Button>
            </>
          )}
          {ruleset.status === 'published' && canPublish && (
            <Button variant="light" color="red" onClick={() => setDecision('retire')} data-testid="retire">
              Retire
            </Button>
          )}
          {hasPermission(me, 'ruleset.write') && (
            <Button variant="light" onClick={() => copy.mutate()} loading={copy.isPending} data-testid="copy">
              Copy to new draft
            </Button>
          )}
        </Group>
      </Group>
      {notice && (
        <Alert color="green" withCloseButton onClose={() => setNotice(null)} data-testid="editor-notice">
          {notice}
        </Alert>
      )}
      {failure && <ErrorAlert error={failure} title="That did not work" />}
      {topErrors.length > 0 && (
        <Alert color="red" variant="light" title="Problems" data-testid="validation-errors">
          {topErrors.map((e) => (
            <Text key={e} size="sm">
              {e}
            </Text>
          ))}
        </Alert>
      )}
      <Tabs defaultValue="rules" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="rules">Rules</Tabs.Tab>
          <Tabs.Tab value="test" data-testid="tab-test">
            Test a record
          </Tabs.Tab>
          {hasPermission(me, 'routing.simulate') && (
            <Tabs.Tab value="simulate" data-testid="tab-simulate">
              Simulate
            </Tabs.Tab>
          )}
        </Tabs.List>
        <Tabs.Panel value="rules" pt="md">
          <Stack gap="sm">
            <Group justify="space-between">
              <SegmentedControl
                size="xs"
                value={view}
                onChange={(v) => setView(v as 'builder' | 'json')}
                data={[
                  { value: 'builder', label: 'Builder' },
                  { value: 'json', label: 'JSON' },
                ]}
                data-testid="view-toggle"
              />
              {editable && (
                <Group gap="xs">
                  <Button size="xs" variant="light" onClick={addRule} data-testid="add-rule">
                    + Rule
                  </Button>
                  <Button size="xs" variant="light" color="gray" onClick={addCatchAll} data-testid="add-catch-all">
                    + Catch-all
                  </Button>
                </Group>
              )}
            </Group>
            {view === 'json' ? (
              <>
                <Textarea
                  value={jsonText}
                  onChange={(e) => onJson(e.currentTarget.value)}
                  readOnly={!editable}
                  autosize
                  minRows={12}
                  maxRows={40}
                  ff="monospace"
                  styles={{ input: { fontSize: 12 } }}
                  data-testid="rules-json"
                />
                {jsonError && (
                  <Text c="red" size="sm" data-testid="json-error">
                    {jsonError}
                  </Text>
                )}
              </>
            ) : (
              <>
                {rules.length === 0 && <Text c="dimmed">No rules yet.</Text>}
                {rules.map((rule, i) => (
                  <RuleCard
                    key={i}
                    rule={rule}
                    index={i}
                    count={rules.length}
                    recordType={recordType}
                    errors={errors}
                    readOnly={!editable}
                    onChange={(next) => updateRules(rules.map((r, j) => (j === i ? next : r)))}
                    onRemove={() => updateRules(rules.filter((_, j) => j !== i))}
                    onMove={(delta) => {
                      const next = [...rules];
                      const [moved] = next.splice(i, 1);
                      next.splice(i + delta, 0, moved!);
                      updateRules(next);
                    }}
                  />
                ))}
              </>
            )}
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="test" pt="md">
          <TestPanel recordType={recordType} rules={rules} />
        </Tabs.Panel>
        <Tabs.Panel value="simulate" pt="md">
          <SimulatePanel recordType={recordType} rules={rules} />
        </Tabs.Panel>
      </Tabs>
      <ReasonModal
        key={decision ?? 'none'}
        title={decision === 'return' ? 'Return to author' : 'Retire this version'}
        opened={decision !== null}
        onClose={() => setDecision(null)}
        loading={decide.isPending}
        onSubmit={(reason) => decision && decide.mutate({ action: decision, reason })}
      />
      <Text size="xs" c="dimmed">
        Created {formatDateTime(ruleset.createdAt)}
        {ruleset.publishedAt && ` · published ${formatDateTime(ruleset.publishedAt)}`}
        {ruleset.retiredAt && ` · retired ${formatDateTime(ruleset.retiredAt)}`}
      </Text>
    </Stack>
  );
}

function NewDraftModal({
  opened,
  onClose,
  recordType,
  onCreated,
}: {
  opened: boolean;
  onClose: () => void;
  recordType: RecordType;
  onCreated: (id: string) => void;
}) {
  const [name, setName] = useState('');
  const queryClient = useQueryClient();
  const { queues } = useRoutingTargets();
  const create = useMutation({
    mutationFn: () => {
      const queue = queues[0];
      const catchAll: Rule = {
        name: 'Everything else',
        then: { target: queue ? { type: 'queue', id: queue.id } : { type: 'relative', relation: 'owner.manager' } },
      };
      return unwrap(api.POST('/api/v1/rulesets', { body: { recordType, name, rules: asApiRules([catchAll]) } }));
    },
    onSuccess: async (ruleset) => {
      await queryClient.invalidateQueries({ queryKey: ['rulesets'] });
      setName('');
      onCreated(ruleset.id);
    },
  });
  return (
    <Modal opened={opened} onClose={onClose} title={`New ${recordType} rule set`}>
      <Stack>
        <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} data-testid="new-ruleset-name" />
        {create.isError && <ErrorAlert error={create.error} />}
        <Button onClick={() => create.mutate()} disabled={!name.trim()} loading={create.isPending} data-testid="create-ruleset">
          Create draft
        </Button>
      </Stack>
    </Modal>
  );
}

export function RulesetsPage() {
  const me = useMe();
  const [recordType, setRecordType] = useState<RecordType>('lead');
  const [selected, setSelected] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const list = useQuery({
    queryKey: ['rulesets', recordType],
    queryFn: () => unwrap(api.GET('/api/v1/rulesets', { params: { query: { recordType, limit: 100 } } })),
  });
  const detail = useQuery({
    queryKey: ['ruleset', selected],
    queryFn: () => unwrap(api.GET('/api/v1/rulesets/{id}', { params: { path: { id: selected! } } })),
    enabled: selected !== null,
  });
  useEffect(() => {
    if (selected === null && list.data)
      setSelected(list.data.items.find((r) => r.status === 'published')?.id ?? list.data.items[0]?.id ?? null);
  }, [list.data, selected]);

  return (
    <Stack gap="lg" maw={1400} data-testid="rulesets-page">
      <Group justify="space-between">
        <div>
          <Title order={2}>Routing rules</Title>
          <Text c="dimmed">First matching rule wins. Drafts are tested and simulated before they go live.</Text>
        </div>
        {hasPermission(me, 'ruleset.write') && (
          <Button onClick={() => setCreating(true)} data-testid="new-ruleset">
            New draft
          </Button>
        )}
      </Group>
      <Tabs
        value={recordType}
        onChange={(v) => {
          setRecordType(v as RecordType);
          setSelected(null);
          setNotice(null);
        }}
      >
        <Tabs.List>
          {RECORD_TYPES.map((t) => (
            <Tabs.Tab key={t} value={t} data-testid={`rulesets-tab-${t}`}>
              {TYPE_LABELS[t]}
            </Tabs.Tab>
          ))}
        </Tabs.List>
      </Tabs>
      <Group align="flex-start" wrap="nowrap" gap="lg">
        <Card withBorder radius="md" p={0} w={300} style={{ flexShrink: 0 }}>
          <Table highlightOnHover verticalSpacing={6} fz="sm" data-testid="ruleset-list">
            <Table.Tbody>
              {list.data?.items.map((r) => (
                <Table.Tr
                  key={r.id}
                  onClick={() => {
                    setSelected(r.id);
                    setNotice(null);
                  }}
                  style={{ cursor: 'pointer' }}
                  bg={r.id === selected ? 'blue.0' : undefined}
                  data-testid="ruleset-row"
                  data-status={r.status}
                  data-name={r.name}
                >
                  <Table.Td>
                    <Text size="sm" fw={600} lineClamp={1}>
                      v{r.number} · {r.name}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {r.rules.length} rule{r.rules.length === 1 ? '' : 's'}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <StateBadge state={r.status} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {list.data?.items.length === 0 && (
            <Text c="dimmed" p="md" size="sm">
              No rule sets yet.
            </Text>
          )}
        </Card>
        <div style={{ flex: 1, minWidth: 0 }}>
          {list.isError && <ErrorAlert error={list.error} />}
          {detail.isError && <ErrorAlert error={detail.error} />}
          {detail.data && (
            <RulesetEditor
              key={`${detail.data.id}:${detail.data.version}`}
              ruleset={detail.data}
              onOpen={setSelected}
              notice={notice}
              setNotice={setNotice}
            />
          )}
        </div>
      </Group>
      <NewDraftModal
        opened={creating}
        onClose={() => setCreating(false)}
        recordType={recordType}
        onCreated={(id) => {
          setCreating(false);
          setSelected(id);
        }}
      />
    </Stack>
  );
}
