import { Anchor, Badge, Button, Card, Checkbox, FileInput, Group, Progress, Select, Stack, Table, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ErrorAlert } from '../../app/ErrorAlert';
import { api, unwrap } from '../../lib/api-client';
import type { paths } from '../../lib/api-types';
import { formatDate } from '../../lib/format';

type Job = paths['/api/v1/imports/{id}']['get']['responses'][200]['content']['application/json'];
type ImportType = Job['recordType'];

/** The fields a column can map to (the server checks the same list: src/integrations/imports/core/mapping.ts). */
const FIELDS: Record<ImportType, string[]> = {
  accounts: [
    'externalId',
    'name',
    'domain',
    'region',
    'country',
    'segment',
    'tier',
    'industry',
    'employees',
    'annualRevenue',
    'directOnly',
  ],
  leads: [
    'externalId',
    'name',
    'firstName',
    'lastName',
    'company',
    'email',
    'domain',
    'region',
    'country',
    'product',
    'productLine',
    'amount',
    'currency',
    'source',
    'accountName',
  ],
  opportunities: ['externalId', 'name', 'accountName', 'stage', 'amount', 'currency', 'product', 'productLine', 'region', 'closeDate'],
};
const TERMINAL = new Set(['done', 'rejected', 'failed']);
const STATUS_COLOR: Record<string, string> = {
  done: 'green',
  rejected: 'red',
  failed: 'orange',
  importing: 'blue',
  validating: 'blue',
  queued: 'gray',
  uploading: 'gray',
};

/** Splits the first lines of a CSV for the preview (quotes honoured; enough for a header and five rows). */
export function previewRows(text: string, max = 6): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const body = text.replace(/^\ufeff/, '');
  for (let i = 0; i < body.length && rows.length < max; i++) {
    const c = body[i]!;
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && body[i + 1] === '\n') i++;
      row.push(cell);
      cell = '';
      if (row.some((v) => v !== '')) rows.push(row);
      row = [];
    } else cell += c;
  }
  return rows;
}

function JobRow({ job }: { job: Job }) {
  const client = useQueryClient();
  const resume = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/imports/{id}/resume', { params: { path: { id: job.id } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: ['imports'] }),
  });
  const pct = Math.round(job.progress.fraction * 100);
  return (
    <Table.Tr data-testid="import-row" data-status={job.status}>
      <Table.Td>
        <Text size="sm" fw={500}>
          {job.fileName}
        </Text>
        <Text size="xs" c="dimmed">
          {job.recordType} · {job.mode === 'valid_rows' ? 'valid rows' : 'all or nothing'}
          {job.dryRun ? ' · dry run' : ''}
          {job.preset ? ` · ${job.preset}` : ''} · {formatDate(job.createdAt)}
        </Text>
      </Table.Td>
      <Table.Td>
        <Badge color={STATUS_COLOR[job.status] ?? 'gray'} data-testid="import-status">
          {job.status}
        </Badge>
      </Table.Td>
      <Table.Td w={220}>
        <Progress value={pct} animated={!TERMINAL.has(job.status)} aria-label="import progress" data-testid="import-progress" />
        <Text size="xs" c="dimmed">
          {pct}% ·{' '}
          {job.progress.phase === 'validating'
            ? `checked ${job.progress.linesValidated} rows`
            : `${job.imported} of ${job.progress.linesTotal ?? '?'} imported`}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm" data-testid="import-counts">
          {job.imported} imported · {job.skipped} skipped · {job.errors} errors · {job.warnings} warnings
        </Text>
        {job.failure && (
          <Text size="xs" c="red">
            {job.failure}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <Group gap="xs">
          {job.errors + job.warnings > 0 && (
            <Anchor href={`/api/v1/imports/${job.id}/errors`} download size="sm" data-testid="import-error-report">
              Error report
            </Anchor>
          )}
          {job.status === 'failed' && (
            <Button size="xs" variant="light" loading={resume.isPending} onClick={() => resume.mutate()}>
              Resume
            </Button>
          )}
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}

/** Upload a CSV, map its columns with a preview, check it (dry run) or import it; progress survives a reload (it is the job's row). */
export function ImportsTab() {
  const client = useQueryClient();
  const [type, setType] = useState<ImportType>('leads');
  const [preset, setPreset] = useState<string | null>(null);
  const [validRows, setValidRows] = useState(false);
  const [dryRun, setDryRun] = useState(false);
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<string[][]>([]);
  const [mapping, setMapping] = useState<Record<string, string>>({});
  const jobs = useQuery({
    queryKey: ['imports'],
    queryFn: () => unwrap(api.GET('/api/v1/imports', { params: { query: { limit: 20 } } })),
    refetchInterval: (query) => ((query.state.data?.items ?? []).some((j) => !TERMINAL.has(j.status)) ? 800 : false),
  });
  const start = useMutation({
    mutationFn: async () => {
      const overrides = Object.fromEntries(Object.entries(mapping).filter(([, field]) => field !== ''));
      return unwrap(
        api.POST('/api/v1/imports', {
          params: {
            query: {
              type,
              mode: validRows ? 'valid_rows' : 'all_or_nothing',
              dryRun: dryRun ? 'true' : 'false',
              fileName: file!.name,
              ...(preset && { preset: preset as 'salesforce' }),
              ...(Object.keys(overrides).length > 0 && { mapping: JSON.stringify(overrides) }),
            },
          },
          body: file as never,
          bodySerializer: (body: unknown) => body as BodyInit,
          headers: { 'content-type': 'text/csv' },
        }),
      );
    },
    onSuccess: () => client.invalidateQueries({ queryKey: ['imports'] }),
  });
  const pick = async (f: File | null) => {
    setFile(f);
    setMapping({});
    setPreview(f ? previewRows(await f.slice(0, 64 * 1024).text()) : []);
  };
  const header = preview[0] ?? [];
  return (
    <Stack>
      <Card withBorder>
        <Stack>
          <Group grow align="flex-end">
            <Select
              label="Record type"
              data={['accounts', 'leads', 'opportunities']}
              value={type}
              onChange={(v) => v && (setType(v as ImportType), setMapping({}))}
              allowDeselect={false}
              data-testid="import-type"
            />
            <Select
              label="Column preset"
              placeholder="Columns named like fields"
              clearable
              data={[
                { value: 'salesforce', label: 'Salesforce export' },
                { value: 'hubspot', label: 'HubSpot export' },
                { value: 'maven', label: 'Maven CRM sample' },
              ]}
              value={preset}
              onChange={setPreset}
              data-testid="import-preset"
            />
            <FileInput
              label="CSV file (UTF-8)"
              placeholder="Choose a file"
              accept=".csv,text/csv"
              value={file}
              onChange={pick}
              data-testid="import-file"
            />
          </Group>
          <Group>
            <Checkbox
              label="Import the valid rows and report the others (default: any error rejects the whole file)"
              checked={validRows}
              onChange={(e) => setValidRows(e.currentTarget.checked)}
              data-testid="import-valid-rows"
            />
            <Checkbox
              label="Dry run (check only, write nothing)"
              checked={dryRun}
              onChange={(e) => setDryRun(e.currentTarget.checked)}
              data-testid="import-dry-run"
            />
          </Group>
          {header.length > 0 && (
            <Table.ScrollContainer minWidth={400}>
              <Table withTableBorder data-testid="import-preview">
                <Table.Thead>
                  <Table.Tr>
                    {header.map((column) => (
                      <Table.Th key={column}>
                        <Text size="sm" fw={600}>
                          {column}
                        </Text>
                        <Select
                          size="xs"
                          aria-label={`map ${column}`}
                          placeholder={preset ? 'as the preset maps it' : 'by its name'}
                          clearable
                          data={[
                            ...FIELDS[type],
                            ...(mapping[column]?.startsWith('attributes.') ? [mapping[column]!] : []),
                            `attributes.${column.replace(/[^A-Za-z0-9_]/g, '')}`,
                          ].filter((v, i, a) => a.indexOf(v) === i)}
                          value={mapping[column] ?? null}
                          onChange={(v) => setMapping({ ...mapping, [column]: v ?? '' })}
                        />
                      </Table.Th>
                    ))}
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {preview.slice(1).map((row, i) => (
                    <Table.Tr key={i}>
                      {header.map((_, k) => (
                        <Table.Td key={k}>
                          <Text size="xs">{row[k] ?? ''}</Text>
                        </Table.Td>
                      ))}
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
          {start.error && <ErrorAlert error={start.error} />}
          <Group>
            <Button disabled={!file} loading={start.isPending} onClick={() => start.mutate()} data-testid="import-start">
              {dryRun ? 'Check file' : 'Import'}
            </Button>
          </Group>
        </Stack>
      </Card>
      {jobs.error && <ErrorAlert error={jobs.error} />}
      <Card withBorder padding={0}>
        <Table data-testid="imports-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>File</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Progress</Table.Th>
              <Table.Th>Rows</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(jobs.data?.items ?? []).map((job) => (
              <JobRow key={job.id} job={job} />
            ))}
          </Table.Tbody>
        </Table>
        {jobs.data?.items.length === 0 && (
          <Text p="md" c="dimmed" size="sm">
            No imports yet.
          </Text>
        )}
      </Card>
    </Stack>
  );
}
