import {
  ActionIcon,
  Autocomplete,
  Badge,
  Button,
  Card,
  Group,
  NumberInput,
  Select,
  Stack,
  TagsInput,
  Text,
  TextInput,
} from '@mantine/core';
import {
  type Condition,
  FIELD_CATALOGS,
  type Leaf,
  kindOf,
  OP_LABELS,
  type Operator,
  OPS_BY_KIND,
  type RecordType,
  type Scalar,
} from './catalog';

export type ErrorsByPath = Map<string, string[]>;

/** Errors at this exact path or below a list index of it (`…value[1]`). */
export function errorsAt(errors: ErrorsByPath, path: string): string[] {
  const found: string[] = [];
  for (const [p, messages] of errors) if (p === path || p.startsWith(`${path}[`)) found.push(...messages);
  return found;
}

const NO_VALUE: Operator[] = ['exists', 'empty'];

function FieldError({ errors, path, exact }: { errors: ErrorsByPath; path: string; exact?: boolean }) {
  const messages = exact ? (errors.get(path) ?? []) : errorsAt(errors, path);
  if (messages.length === 0) return null;
  return (
    <Text size="xs" c="red" data-testid="condition-error" data-path={path}>
      {messages.join('; ')}
    </Text>
  );
}

const toScalar = (raw: string, numeric: boolean): Scalar =>
  numeric && raw.trim() !== '' && !Number.isNaN(Number(raw)) ? Number(raw) : raw;

function ValueInput({
  leaf,
  kind,
  onChange,
  path,
  readOnly,
}: {
  leaf: Leaf;
  kind: string;
  onChange: (value: Leaf['value']) => void;
  path: string;
  readOnly: boolean;
}) {
  const numeric = kind === 'number';
  const common = { size: 'xs' as const, readOnly, 'data-testid': 'condition-value', 'data-path': `${path}.value` };
  if (NO_VALUE.includes(leaf.op)) return null;
  if (leaf.op === 'in' || leaf.op === 'nin') {
    const list = Array.isArray(leaf.value) ? leaf.value.map(String) : [];
    return (
      <TagsInput
        {...common}
        placeholder="values, Enter after each"
        value={list}
        onChange={(v) => onChange(v.map((s) => toScalar(s, numeric)))}
        style={{ flex: '1 1 200px' }}
      />
    );
  }
  if (leaf.op === 'between') {
    const [lo, hi] = Array.isArray(leaf.value) ? leaf.value : [null, null];
    const set = (i: 0 | 1) => (raw: string) => {
      const pair: Scalar[] = [lo ?? null, hi ?? null];
      pair[i] = toScalar(raw, numeric);
      onChange(pair);
    };
    return (
      <Group gap={4} style={{ flex: '1 1 200px' }}>
        <TextInput
          {...common}
          placeholder="low"
          value={lo == null ? '' : String(lo)}
          onChange={(e) => set(0)(e.currentTarget.value)}
          w={110}
        />
        <Text size="xs">and</Text>
        <TextInput
          {...common}
          placeholder="high"
          value={hi == null ? '' : String(hi)}
          onChange={(e) => set(1)(e.currentTarget.value)}
          w={110}
        />
      </Group>
    );
  }
  if (leaf.op === 'olderThan' || leaf.op === 'newerThan' || numeric) {
    return (
      <NumberInput
        {...common}
        placeholder={numeric ? 'number' : 'days'}
        value={typeof leaf.value === 'number' ? leaf.value : ''}
        onChange={(v) => onChange(typeof v === 'number' ? v : undefined)}
        style={{ flex: '1 1 140px' }}
      />
    );
  }
  if (kind === 'boolean') {
    return (
      <Select
        {...common}
        data={['true', 'false']}
        value={typeof leaf.value === 'boolean' ? String(leaf.value) : null}
        onChange={(v) => onChange(v === null ? undefined : v === 'true')}
        w={110}
      />
    );
  }
  return (
    <TextInput
      {...common}
      placeholder={kind === 'timestamp' ? '2026-01-31T00:00:00Z' : 'value'}
      value={leaf.value == null ? '' : String(leaf.value)}
      onChange={(e) => onChange(e.currentTarget.value === '' ? undefined : e.currentTarget.value)}
      style={{ flex: '1 1 160px' }}
    />
  );
}

function LeafEditor({ leaf, onChange, onRemove, path, recordType, errors, readOnly }: NodeProps & { leaf: Leaf }) {
  const kind = kindOf(recordType, leaf.field) ?? 'custom';
  const ops = OPS_BY_KIND[kind];
  const setOp = (op: Operator) => {
    const next: Leaf = { field: leaf.field, op };
    if (
      !NO_VALUE.includes(op) &&
      leaf.value !== undefined &&
      Array.isArray(leaf.value) === (op === 'in' || op === 'nin' || op === 'between')
    )
      next.value = leaf.value;
    onChange(next);
  };
  return (
    <Stack gap={2} data-testid="condition-leaf" data-path={path}>
      <Group gap={6} wrap="wrap" align="center">
        <Autocomplete
          size="xs"
          data={Object.keys(FIELD_CATALOGS[recordType])}
          value={leaf.field}
          onChange={(field) => onChange({ ...leaf, field })}
          readOnly={readOnly}
          w={190}
          placeholder="field or attributes.x"
          data-testid="condition-field"
          data-path={`${path}.field`}
        />
        <Select
          size="xs"
          data={ops.map((op) => ({ value: op, label: OP_LABELS[op] }))}
          value={leaf.op}
          onChange={(op) => op && setOp(op as Operator)}
          readOnly={readOnly}
          allowDeselect={false}
          w={160}
          data-testid="condition-op"
          data-path={`${path}.op`}
        />
        <ValueInput
          leaf={leaf}
          kind={kind}
          path={path}
          readOnly={readOnly}
          onChange={(value) => onChange(value === undefined ? { field: leaf.field, op: leaf.op } : { ...leaf, value })}
        />
        {!readOnly && onRemove && (
          <ActionIcon size="sm" variant="subtle" color="gray" onClick={onRemove} aria-label="Remove condition">
            ×
          </ActionIcon>
        )}
      </Group>
      <FieldError errors={errors} path={`${path}.field`} />
      <FieldError errors={errors} path={`${path}.op`} />
      <FieldError errors={errors} path={`${path}.value`} />
    </Stack>
  );
}

type NodeProps = {
  onChange: (next: Condition) => void;
  onRemove?: () => void;
  path: string;
  recordType: RecordType;
  errors: ErrorsByPath;
  readOnly: boolean;
};

const newLeaf = (recordType: RecordType): Leaf => ({ field: recordType === 'opportunity' ? 'stage' : 'region', op: 'eq' });

/** One node of the condition tree: a leaf, an all/any group (nested freely) or a NOT around another node. */
export function ConditionNode({ value, ...props }: NodeProps & { value: Condition }) {
  const { onChange, onRemove, path, recordType, errors, readOnly } = props;
  if ('not' in value) {
    return (
      <Card withBorder p="xs" radius="sm" bg="red.0" data-testid="condition-not">
        <Group gap={6} mb={4}>
          <Badge color="red" variant="filled" size="sm">
            NOT
          </Badge>
          {!readOnly && (
            <Button size="compact-xs" variant="subtle" color="gray" onClick={() => onChange(value.not)}>
              unwrap
            </Button>
          )}
          {!readOnly && onRemove && (
            <Button size="compact-xs" variant="subtle" color="red" onClick={onRemove}>
              remove
            </Button>
          )}
        </Group>
        <ConditionNode {...props} value={value.not} path={`${path}.not`} onChange={(not) => onChange({ not })} onRemove={undefined} />
      </Card>
    );
  }
  if ('all' in value || 'any' in value) {
    const mode: 'all' | 'any' = 'all' in value ? 'all' : 'any';
    const children: Condition[] = 'all' in value ? value.all : value.any;
    const setChildren = (next: Condition[]) => onChange(mode === 'all' ? { all: next } : { any: next });
    return (
      <Card withBorder p="xs" radius="sm" bg={mode === 'all' ? 'blue.0' : 'teal.0'} data-testid="condition-group" data-path={path}>
        <Group gap={6} mb={6}>
          <Select
            size="xs"
            w={170}
            data={[
              { value: 'all', label: 'ALL of these match' },
              { value: 'any', label: 'ANY of these match' },
            ]}
            value={mode}
            allowDeselect={false}
            readOnly={readOnly}
            onChange={(m) => m && onChange(m === 'all' ? { all: children } : { any: children })}
            data-testid="condition-combinator"
          />
          {children.length === 0 && mode === 'all' && (
            <Badge variant="outline" color="gray" size="sm">
              matches every record (catch-all)
            </Badge>
          )}
          {!readOnly && (
            <>
              <Button
                size="compact-xs"
                variant="light"
                onClick={() => setChildren([...children, newLeaf(recordType)])}
                data-testid="add-condition"
              >
                + condition
              </Button>
              <Button
                size="compact-xs"
                variant="light"
                color="teal"
                onClick={() => setChildren([...children, { any: [newLeaf(recordType)] }])}
                data-testid="add-group"
              >
                + group
              </Button>
              <Button
                size="compact-xs"
                variant="light"
                color="red"
                onClick={() => setChildren([...children, { not: newLeaf(recordType) }])}
              >
                + not
              </Button>
              <Button size="compact-xs" variant="subtle" color="gray" onClick={() => onChange({ not: value })}>
                negate
              </Button>
              {onRemove && (
                <Button size="compact-xs" variant="subtle" color="red" onClick={onRemove}>
                  remove group
                </Button>
              )}
            </>
          )}
        </Group>
        <Stack gap={6} pl="sm">
          {children.map((child, i) => (
            <ConditionNode
              key={i}
              {...props}
              value={child}
              path={`${path}.${mode}[${i}]`}
              onChange={(next) => setChildren(children.map((c, j) => (j === i ? next : c)))}
              onRemove={() => setChildren(children.filter((_, j) => j !== i))}
            />
          ))}
        </Stack>
        <FieldError errors={errors} path={`${path}.${mode}`} exact />
      </Card>
    );
  }
  return <LeafEditor {...props} leaf={value} />;
}
