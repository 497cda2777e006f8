import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { createParley } from '../app/parley.js';
import { loadConfig } from '../config.js';
import { Invalid } from '../domain/errors.js';
import { ROLES, type Role } from '../domain/operator.js';
import { createLogger } from '../log.js';
import { ChatRepository } from '../store/chats.js';

export async function operatorCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'create') return create(rest);
  if (sub === 'list') return list();
  process.stderr.write('usage: parley operator create --username <name> [--password <pw>] [--role admin|operator]\n       parley operator list\n');
  return 2;
}

async function withParley<T>(run: (parley: Awaited<ReturnType<typeof createParley>>) => Promise<T>): Promise<T> {
  const { config } = loadConfig();
  const parley = await createParley(config, createLogger('warn'), { bootstrapAdmin: false, runWork: false });
  try {
    return await run(parley);
  } finally {
    await parley.close();
  }
}

async function create(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      username: { type: 'string' },
      password: { type: 'string' },
      role: { type: 'string', default: 'operator' },
      'display-name': { type: 'string' },
      'max-active-chats': { type: 'string' },
    },
  });
  if (!values.username) throw new Invalid('--username is required');
  if (!ROLES.includes(values.role as Role)) throw new Invalid(`--role must be one of ${ROLES.join(', ')}`);
  const maxActiveChats = values['max-active-chats'] === undefined ? null : Number(values['max-active-chats']);
  if (maxActiveChats !== null && (!Number.isInteger(maxActiveChats) || maxActiveChats < 0)) {
    throw new Invalid('--max-active-chats must be a whole number');
  }
  const password = values.password ?? (await readLine('password: '));
  if (password.length < 8) throw new Invalid('the password must be at least 8 characters long');
  const operator = await withParley((parley) =>
    parley.operators.create(null, {
      username: values.username as string,
      password,
      role: values.role as Role,
      maxActiveChats,
      ...(values['display-name'] && { displayName: values['display-name'] }),
    }),
  );
  process.stdout.write(`created ${operator.role} "${operator.username}" (id ${operator.id})\n`);
  return 0;
}

/** CHATS: open and pending chats assigned now; LIMIT: max_active_chats. */
async function list(): Promise<number> {
  const { operators, load } = await withParley(async (parley) => {
    const all = [];
    let cursor: string | undefined;
    do {
      const page = await parley.operatorRepository.list({ limit: 200, includeInactive: true, ...(cursor && { cursor }) });
      all.push(...page.results);
      cursor = page.next ?? undefined;
    } while (cursor);
    const counts = await new ChatRepository(parley.database).activeCounts(parley.database.db, all.map((o) => o.id));
    return { operators: all, load: counts };
  });
  const rows = operators.map((o) => [
    String(o.id),
    o.username,
    o.role,
    o.isActive ? 'active' : 'inactive',
    String(load.get(o.id) ?? 0),
    o.maxActiveChats === null ? 'none' : String(o.maxActiveChats),
    o.displayName,
  ]);
  const header = ['ID', 'USERNAME', 'ROLE', 'STATE', 'CHATS', 'LIMIT', 'NAME'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  for (const row of [header, ...rows]) {
    process.stdout.write(`${row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd()}\n`);
  }
  return 0;
}

async function readLine(prompt: string): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write(prompt);
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    lines.close();
    return line;
  }
  return '';
}
