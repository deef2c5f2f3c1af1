import {
  Autocomplete,
  Badge,
  Button,
  Card,
  Group,
  NativeSelect,
  PasswordInput,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { ErrorAlert } from '../../app/ErrorAlert';
import { ApiError, api, unwrap } from '../../lib/api-client';
import type { paths } from '../../lib/api-types';
import { formatDateTime } from '../../lib/format';
import type { PortalRegistration } from '../channel/shared';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;
type SubmitBody = Json<paths['/api/partner/v1/registrations']['post']['requestBody']>;
type ResubmitBody = Json<paths['/api/partner/v1/registrations/{id}/resubmit']['post']['requestBody']>;
type ActivityKind = Json<paths['/api/partner/v1/registrations/{id}/activities']['post']['requestBody']>['kind'];
type PortalUser = paths['/api/partner/v1/users']['get']['responses'][200]['content']['application/json']['items'][number];

/** The ETag the server sends for a version (src/platform/http/etag.ts), echoed as If-Match. */
const ifMatch = (version: number) => ({ 'if-match': `"v${version}"` });

/** Field errors of a failed call, keyed by the path the problem names (body fields have no prefix). */
const fieldErrors = (error: unknown): Record<string, string> => (error instanceof ApiError ? error.fieldErrors() : {});

/** How many minor units a currency has (USD 2, JPY 0), from the browser's ISO 4217 data. */
function minorDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** "1,234.50" in major units → 123450 minor units; anything unparseable goes to the server as-is to be named there. */
export function toMinor(amount: string, currency: string): number {
  const n = Number(amount.replace(/[,\s]/g, ''));
  return Math.round(n * 10 ** minorDigits(currency));
}
const toMajor = (minor: number, currency: string) => String(minor / 10 ** minorDigits(currency));

const blankToNull = (v: string) => (v.trim() === '' ? null : v.trim());

type Values = {
  customerName: string;
  customerDomain: string;
  customerCountry: string;
  customerRegion: string;
  customerPostalCode: string;
  customerPhone: string;
  productLine: string;
  amount: string;
  currency: string;
  expectedCloseDate: string;
  description: string;
  reference: string;
};
const EMPTY: Values = {
  customerName: '',
  customerDomain: '',
  customerCountry: '',
  customerRegion: '',
  customerPostalCode: '',
  customerPhone: '',
  productLine: '',
  amount: '',
  currency: 'USD',
  expectedCloseDate: '',
  description: '',
  reference: '',
};

/** The registration's fields; `resubmit` hides what a returned registration may not change. */
function RegistrationFields({
  values,
  set,
  errors,
  resubmit,
}: {
  values: Values;
  set: (patch: Partial<Values>) => void;
  errors: Record<string, string>;
  resubmit?: boolean;
}) {
  const products = useQuery({
    queryKey: ['portal', 'products'],
    queryFn: () => unwrap(api.GET('/api/partner/v1/products', { params: { query: { limit: 100 } } })),
    enabled: !resubmit,
  });
  const own = useQuery({
    queryKey: ['portal', 'registrations'],
    queryFn: () => unwrap(api.GET('/api/partner/v1/registrations', { params: { query: { limit: 100 } } })),
    enabled: !resubmit,
  });
  // Suggestions: the lines of the partner's products and of its own registrations (the portal has no list of lines).
  const lines = useMemo(
    () =>
      [
        ...new Set(
          [...(products.data?.items ?? []).map((p) => p.productLine), ...(own.data?.items ?? []).map((r) => r.productLine)].filter(
            (l): l is string => !!l,
          ),
        ),
      ].sort(),
    [products.data, own.data],
  );
  const text = (key: keyof Values, label: string, extra: Record<string, unknown> = {}) => (
    <TextInput
      label={label}
      value={values[key]}
      onChange={(e) => set({ [key]: e.currentTarget.value })}
      error={errors[key]}
      data-testid={`reg-${key}`}
      {...extra}
    />
  );
  const amountError = errors.amountMinor ?? errors.amount;
  return (
    <Stack gap="sm">
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        {text('customerName', 'Customer name', { required: true })}
        {text('customerDomain', 'Customer domain', { placeholder: 'example.com' })}
        {text('customerCountry', 'Country')}
        {text('customerRegion', 'Region')}
        {text('customerPostalCode', 'Postal code')}
        {text('customerPhone', 'Phone')}
        {!resubmit && (
          <Autocomplete
            label="Product line"
            required
            data={lines}
            value={values.productLine}
            onChange={(productLine) => set({ productLine })}
            error={errors.productLine}
            data-testid="reg-productLine"
          />
        )}
        <Group grow align="flex-start">
          <TextInput
            label="Amount"
            required
            inputMode="decimal"
            value={values.amount}
            onChange={(e) => set({ amount: e.currentTarget.value })}
            error={amountError}
            data-testid="reg-amount"
          />
          {!resubmit && (
            <TextInput
              label="Currency"
              maw={110}
              value={values.currency}
              onChange={(e) => set({ currency: e.currentTarget.value.toUpperCase() })}
              error={errors.currency}
              data-testid="reg-currency"
            />
          )}
        </Group>
        {text('expectedCloseDate', 'Expected close date', { type: 'date', required: true })}
        {!resubmit && text('reference', 'Your reference (optional)')}
      </SimpleGrid>
      <Textarea
        label="Description"
        autosize
        minRows={2}
        value={values.description}
        onChange={(e) => set({ description: e.currentTarget.value })}
        error={errors.description}
        data-testid="reg-description"
      />
    </Stack>
  );
}

/** Errors the form shows on a field; whatever no field claims stays in the alert. */
function unclaimed(error: unknown, shown: string[]): boolean {
  if (!(error instanceof ApiError)) return !!error;
  return error.errors.length === 0 || error.errors.some((e) => !shown.includes(e.path));
}
const FORM_PATHS = [...Object.keys(EMPTY), 'amountMinor'];

export function RegisterDealForm({ onCancel, onCreated }: { onCancel: () => void; onCreated: (id: string) => void }) {
  const queryClient = useQueryClient();
  const [values, setValues] = useState<Values>(EMPTY);
  const set = (patch: Partial<Values>) => setValues((v) => ({ ...v, ...patch }));
  const submit = useMutation({
    mutationFn: () => {
      const body: SubmitBody = {
        customerName: values.customerName,
        customerDomain: blankToNull(values.customerDomain),
        customerCountry: blankToNull(values.customerCountry),
        customerRegion: blankToNull(values.customerRegion),
        customerPostalCode: blankToNull(values.customerPostalCode),
        customerPhone: blankToNull(values.customerPhone),
        productLine: values.productLine,
        amountMinor: toMinor(values.amount, values.currency),
        expectedCloseDate: values.expectedCloseDate,
        description: blankToNull(values.description),
        reference: blankToNull(values.reference),
        ...(values.currency.trim() && { currency: values.currency.trim() }),
      };
      return unwrap(api.POST('/api/partner/v1/registrations', { body }));
    },
    onSuccess: async (created) => {
      queryClient.setQueryData(['portal', 'registration', created.id], created);
      await queryClient.invalidateQueries({ queryKey: ['portal', 'registrations'] });
      await queryClient.invalidateQueries({ queryKey: ['portal', 'partner'] });
      onCreated(created.id);
    },
  });
  return (
    <Card withBorder data-testid="register-deal-form">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          submit.mutate();
        }}
      >
        <Stack>
          <Title order={3}>Register a deal</Title>
          {submit.error && unclaimed(submit.error, FORM_PATHS) && <ErrorAlert error={submit.error} title="Not registered" />}
          <RegistrationFields values={values} set={set} errors={fieldErrors(submit.error)} />
          <Group>
            <Button type="submit" loading={submit.isPending} data-testid="reg-submit">
              Register
            </Button>
            <Button variant="default" onClick={onCancel}>
              Cancel
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

const OPEN = ['submitted', 'under_review', 'approved', 'returned'];

/** What a partner can do on one of its registrations: log activity, withdraw, resubmit when returned. */
export function RegistrationActions({ reg }: { reg: PortalRegistration }) {
  if (!OPEN.includes(reg.status)) return null;
  return (
    <Stack>
      {reg.status === 'returned' && <ResubmitForm reg={reg} />}
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <ActivityForm reg={reg} />
        <WithdrawForm reg={reg} />
      </SimpleGrid>
    </Stack>
  );
}

function useRefresh(reg: PortalRegistration) {
  const queryClient = useQueryClient();
  return async (updated: PortalRegistration) => {
    queryClient.setQueryData(['portal', 'registration', reg.id], updated);
    await queryClient.invalidateQueries({ queryKey: ['portal', 'registrations'] });
    await queryClient.invalidateQueries({ queryKey: ['portal', 'partner'] });
  };
}

const KINDS: ActivityKind[] = ['call', 'email', 'meeting', 'note', 'task'];

function ActivityForm({ reg }: { reg: PortalRegistration }) {
  const refresh = useRefresh(reg);
  const [kind, setKind] = useState<ActivityKind>('call');
  const [subject, setSubject] = useState('');
  const [notes, setNotes] = useState('');
  const log = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/partner/v1/registrations/{id}/activities', {
          params: { path: { id: reg.id } },
          body: { kind, subject, notes: blankToNull(notes) },
        }),
      ),
    onSuccess: async (updated) => {
      setSubject('');
      setNotes('');
      await refresh(updated);
    },
  });
  const errors = fieldErrors(log.error);
  return (
    <Card withBorder data-testid="activity-form">
      <Title order={4} mb="xs">
        Log activity
      </Title>
      {reg.status === 'approved' && (
        <Text size="xs" c="dimmed" mb="xs">
          Logging activity renews your exclusivity window.
        </Text>
      )}
      {log.error && unclaimed(log.error, ['kind', 'subject', 'notes']) && <ErrorAlert error={log.error} title="Not logged" />}
      <Stack gap="xs">
        <NativeSelect
          label="Kind"
          data={KINDS}
          value={kind}
          onChange={(e) => setKind(e.currentTarget.value as ActivityKind)}
          error={errors.kind}
          data-testid="activity-kind"
        />
        <TextInput
          label="Subject"
          value={subject}
          onChange={(e) => setSubject(e.currentTarget.value)}
          error={errors.subject}
          data-testid="activity-subject"
        />
        <Textarea
          label="Notes"
          value={notes}
          onChange={(e) => setNotes(e.currentTarget.value)}
          error={errors.notes}
          data-testid="activity-notes"
        />
        <Group>
          <Button onClick={() => log.mutate()} loading={log.isPending} data-testid="activity-submit">
            Log activity
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

function WithdrawForm({ reg }: { reg: PortalRegistration }) {
  const refresh = useRefresh(reg);
  const [reason, setReason] = useState('');
  const withdraw = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/partner/v1/registrations/{id}/withdraw', {
          params: { path: { id: reg.id }, header: ifMatch(reg.version) },
          body: reason.trim() ? { reason: reason.trim() } : {},
        }),
      ),
    onSuccess: refresh,
  });
  return (
    <Card withBorder data-testid="withdraw-form">
      <Title order={4} mb="xs">
        Withdraw
      </Title>
      {withdraw.error && unclaimed(withdraw.error, ['reason']) && <ErrorAlert error={withdraw.error} title="Not withdrawn" />}
      <Stack gap="xs">
        <Textarea
          label="Reason (optional)"
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
          error={fieldErrors(withdraw.error).reason}
          data-testid="withdraw-reason"
        />
        <Group>
          <Button color="red" variant="light" onClick={() => withdraw.mutate()} loading={withdraw.isPending} data-testid="withdraw-submit">
            Withdraw registration
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

function ResubmitForm({ reg }: { reg: PortalRegistration }) {
  const refresh = useRefresh(reg);
  const [values, setValues] = useState<Values>(() => ({
    ...EMPTY,
    customerName: reg.customerName,
    customerDomain: reg.customerDomain ?? '',
    customerCountry: reg.customerCountry ?? '',
    customerRegion: reg.customerRegion ?? '',
    customerPostalCode: reg.customerPostalCode ?? '',
    customerPhone: reg.customerPhone ?? '',
    productLine: reg.productLine,
    amount: toMajor(reg.amountMinor, reg.currency),
    currency: reg.currency,
    expectedCloseDate: reg.expectedCloseDate,
    description: reg.description ?? '',
  }));
  const set = (patch: Partial<Values>) => setValues((v) => ({ ...v, ...patch }));
  const resubmit = useMutation({
    mutationFn: () => {
      const body: ResubmitBody = {
        customerName: values.customerName,
        customerDomain: blankToNull(values.customerDomain),
        customerCountry: blankToNull(values.customerCountry),
        customerRegion: blankToNull(values.customerRegion),
        customerPostalCode: blankToNull(values.customerPostalCode),
        customerPhone: blankToNull(values.customerPhone),
        amountMinor: toMinor(values.amount, reg.currency),
        expectedCloseDate: values.expectedCloseDate,
        description: blankToNull(values.description),
      };
      return unwrap(
        api.POST('/api/partner/v1/registrations/{id}/resubmit', { params: { path: { id: reg.id }, header: ifMatch(reg.version) }, body }),
      );
    },
    onSuccess: refresh,
  });
  return (
    <Card withBorder data-testid="resubmit-form">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          resubmit.mutate();
        }}
      >
        <Stack>
          <Title order={4}>Answer and resubmit</Title>
          {reg.infoRequest && (
            <Text size="sm">
              <b>Requested:</b> {reg.infoRequest}
            </Text>
          )}
          {resubmit.error && unclaimed(resubmit.error, FORM_PATHS) && <ErrorAlert error={resubmit.error} title="Not resubmitted" />}
          <RegistrationFields values={values} set={set} errors={fieldErrors(resubmit.error)} resubmit />
          <Group>
            <Button type="submit" loading={resubmit.isPending} data-testid="resubmit-submit">
              Resubmit
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

// ---- partner admins: the partner's users -----------------------------------------------------------------

export function PortalUsers() {
  const queryClient = useQueryClient();
  const list = useQuery({
    queryKey: ['portal', 'users'],
    queryFn: () => unwrap(api.GET('/api/partner/v1/users', { params: { query: { limit: 100 } } })),
  });
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<PortalUser['role']>('partner_user');
  const [password, setPassword] = useState('');
  const add = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/partner/v1/users', {
          body: { email: email.trim(), name: name.trim(), role, ...(password && { password }) },
        }),
      ),
    onSuccess: async () => {
      setEmail('');
      setName('');
      setPassword('');
      await queryClient.invalidateQueries({ queryKey: ['portal', 'users'] });
    },
  });
  const errors = fieldErrors(add.error);
  if (list.error) return <ErrorAlert error={list.error} />;
  return (
    <Stack data-testid="portal-users">
      <Card withBorder padding={0}>
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Email</Table.Th>
              <Table.Th>Role</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Added</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(list.data?.items ?? []).map((u) => (
              <UserRow key={u.id} user={u} />
            ))}
          </Table.Tbody>
        </Table>
      </Card>
      <Card withBorder data-testid="add-user-form">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            add.mutate();
          }}
        >
          <Title order={4} mb="xs">
            Add a user
          </Title>
          {add.error && unclaimed(add.error, ['email', 'name', 'role', 'password']) && <ErrorAlert error={add.error} title="Not added" />}
          <SimpleGrid cols={{ base: 1, md: 4 }}>
            <TextInput
              label="Name"
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              error={errors.name}
              data-testid="user-name"
            />
            <TextInput
              label="Email"
              value={email}
              onChange={(e) => setEmail(e.currentTarget.value)}
              error={errors.email}
              data-testid="user-email"
            />
            <NativeSelect
              label="Role"
              data={[
                { value: 'partner_user', label: 'Partner user' },
                { value: 'partner_admin', label: 'Partner admin' },
              ]}
              value={role}
              onChange={(e) => setRole(e.currentTarget.value as PortalUser['role'])}
              error={errors.role}
              data-testid="user-role"
            />
            <PasswordInput
              label="Initial password (optional)"
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
              error={errors.password}
              data-testid="user-password"
            />
          </SimpleGrid>
          <Button type="submit" mt="sm" loading={add.isPending} data-testid="user-add">
            Add user
          </Button>
        </form>
      </Card>
    </Stack>
  );
}

function UserRow({ user }: { user: PortalUser }) {
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const deactivate = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/partner/v1/users/{id}/deactivate', {
          params: { path: { id: user.id }, header: ifMatch(user.version) },
          body: { reason: reason.trim() },
        }),
      ),
    onSuccess: async () => {
      setOpen(false);
      await queryClient.invalidateQueries({ queryKey: ['portal', 'users'] });
    },
  });
  return (
    <>
      <Table.Tr data-testid="portal-user-row">
        <Table.Td>{user.name}</Table.Td>
        <Table.Td>{user.email}</Table.Td>
        <Table.Td>{user.role === 'partner_admin' ? 'Partner admin' : 'Partner user'}</Table.Td>
        <Table.Td>
          <Badge color={user.status === 'active' ? 'green' : 'gray'} variant="light">
            {user.status}
          </Badge>
        </Table.Td>
        <Table.Td>{formatDateTime(user.createdAt)}</Table.Td>
        <Table.Td>
          {user.status === 'active' && !open && (
            <Button size="xs" variant="subtle" color="red" onClick={() => setOpen(true)} data-testid="user-deactivate-open">
              Deactivate
            </Button>
          )}
        </Table.Td>
      </Table.Tr>
      {open && (
        <Table.Tr>
          <Table.Td colSpan={6}>
            {deactivate.error && unclaimed(deactivate.error, ['reason']) && <ErrorAlert error={deactivate.error} title="Not deactivated" />}
            <Group align="flex-end">
              <TextInput
                label="Reason"
                flex={1}
                value={reason}
                onChange={(e) => setReason(e.currentTarget.value)}
                error={fieldErrors(deactivate.error).reason}
                data-testid="user-deactivate-reason"
              />
              <Button color="red" onClick={() => deactivate.mutate()} loading={deactivate.isPending} data-testid="user-deactivate">
                Deactivate
              </Button>
              <Button variant="default" onClick={() => setOpen(false)}>
                Cancel
              </Button>
            </Group>
          </Table.Td>
        </Table.Tr>
      )}
    </>
  );
}
