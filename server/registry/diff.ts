import { diffLines, type DiffLine } from './line-diff.js';
import { canonicalJson, type Message, type Snapshot } from './version-snapshot.js';

/**
 * A structured diff of two snapshots: model and provider, each setting, each message (aligned by position, with a
 * line diff of its content), variables and MCP servers by name, tools by name, the response schema and metadata.
 */
export interface ValueChange<T> {
  from: T;
  to: T;
}

export interface EntryChange {
  key: string;
  change: 'added' | 'removed' | 'changed';
  from: unknown;
  to: unknown;
}

export interface MessageChange {
  index: number;
  change: 'added' | 'removed' | 'changed' | 'unchanged';
  from: Message | null;
  to: Message | null;
  /** The content line by line; for an unchanged message every line is `equal`. */
  lines: DiffLine[];
}

export interface SnapshotDiff {
  identical: boolean;
  changes: {
    provider: ValueChange<string> | null;
    model: ValueChange<string> | null;
    settings: EntryChange[];
    messages: MessageChange[];
    variables: EntryChange[];
    tools: EntryChange[];
    responseSchema: ValueChange<Snapshot['responseSchema']> | null;
    mcpServers: EntryChange[];
    metadata: EntryChange[];
  };
}

const same = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);
const valueChange = <T>(from: T, to: T): ValueChange<T> | null => (same(from, to) ? null : { from, to });

export function diffSnapshots(a: Snapshot, b: Snapshot): SnapshotDiff {
  const byName = <T extends { name: string }>(list: T[]) => new Map(list.map((item) => [item.name, item]));
  const changes = {
    provider: valueChange(a.provider, b.provider),
    model: valueChange(a.model, b.model),
    settings: diffEntries(new Map(Object.entries(a.settings)), new Map(Object.entries(b.settings))),
    messages: diffMessages(a.messages, b.messages),
    variables: diffEntries(byName(a.variables), byName(b.variables)),
    tools: diffEntries(toolsByName(a.tools), toolsByName(b.tools)),
    responseSchema: valueChange(a.responseSchema, b.responseSchema),
    mcpServers: diffEntries(byName(a.mcpServers), byName(b.mcpServers)),
    metadata: diffEntries(new Map(Object.entries(a.metadata)), new Map(Object.entries(b.metadata))),
  };
  const lists: { change: string }[][] = [
    changes.settings,
    changes.messages,
    changes.variables,
    changes.tools,
    changes.mcpServers,
    changes.metadata,
  ];
  const identical =
    [changes.provider, changes.model, changes.responseSchema].every((c) => c === null) &&
    lists.every((list) => list.every((entry) => entry.change === 'unchanged'));
  return { identical, changes };
}

function diffEntries(a: Map<string, unknown>, b: Map<string, unknown>): EntryChange[] {
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort();
  return keys.flatMap((key): EntryChange[] => {
    const from = a.get(key);
    const to = b.get(key);
    if (from === undefined) return [{ key, change: 'added', from: null, to }];
    if (to === undefined) return [{ key, change: 'removed', from, to: null }];
    return same(from, to) ? [] : [{ key, change: 'changed', from, to }];
  });
}

function diffMessages(a: Message[], b: Message[]): MessageChange[] {
  return Array.from({ length: Math.max(a.length, b.length) }, (_, index): MessageChange => {
    const from = a[index] ?? null;
    const to = b[index] ?? null;
    const lines = diffLines(from ? contentText(from) : '', to ? contentText(to) : '');
    if (!from) return { index, change: 'added', from, to, lines: lines.filter((l) => l.op !== 'remove') };
    if (!to) return { index, change: 'removed', from, to, lines: lines.filter((l) => l.op !== 'add') };
    return { index, change: same(from, to) ? 'unchanged' : 'changed', from, to, lines };
  });
}

function contentText(message: Message): string {
  return typeof message.content === 'string' ? message.content : JSON.stringify(message.content, null, 2);
}

/** Tools keyed by `name` or `function.name` (OpenAI style), else by position. */
function toolsByName(tools: Snapshot['tools']): Map<string, unknown> {
  return new Map(
    tools.map((tool, index) => {
      const fn = tool['function'];
      const name =
        tool['name'] ?? (typeof fn === 'object' && fn !== null && !Array.isArray(fn) ? fn['name'] : undefined);
      return [typeof name === 'string' ? name : `#${index}`, tool];
    }),
  );
}
