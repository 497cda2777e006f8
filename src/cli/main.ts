// The `parley` command line. Each command loads the config once and reports problems in plain words.
import { ConfigError } from '../config.js';
import { DomainError } from '../domain/errors.js';
import { VERSION } from '../version.js';
import { accountsCommand } from './accounts.js';
import { backupCommand, restoreCommand } from './backup.js';
import { migrateCommand } from './migrate.js';
import { operatorCommand } from './operator.js';
import { startCommand } from './start.js';

const HELP = `parley ${VERSION} — omnichannel CRM for Telegram

Usage: parley <command> [options]

Commands:
  start                  run Parley in the role PARLEY_ROLE names: all (default: HTTP API, WebSocket,
                         channels and jobs in one process), api (HTTP + WebSocket) or worker (channels,
                         jobs and timers; answers only /api/health on PORT). api and worker need MySQL + Redis
  api                    the same as start with PARLEY_ROLE=api
  worker                 the same as start with PARLEY_ROLE=worker
  migrate                apply pending database migrations and exit
  operator create        create an operator
      --username <name>  required
      --password <pw>    read from standard input when omitted
      --role <role>      admin | operator (default operator)
      --display-name <n> shown to other operators
      --max-active-chats <n>
  operator list          list operators: active or not, CHATS (open and pending chats assigned now)
                         and LIMIT (max_active_chats; none = no limit)
  accounts start-all     start every account (Telegram bots, personal accounts, simulators); prints
                         each account it started, or that nothing changed
  accounts stop-all      stop every account; prints each account it stopped, or that nothing changed
  backup DIR             write a consistent backup of a running Parley into the new or empty DIR:
                         SQLite database, media files, the secret key's fingerprint (never the key);
                         on MySQL the media files and how to dump the database (README.txt)
  restore DIR            put a backup back into an empty DATA_DIR; needs the SECRET_KEY it was made with
  help                   show this help

Configuration comes from environment variables and a .env file (see README.md).`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'start':
      return startCommand();
    case 'api':
    case 'worker':
      return startCommand(command);
    case 'migrate':
      return migrateCommand();
    case 'operator':
      return operatorCommand(rest);
    case 'accounts':
      return accountsCommand(rest);
    case 'backup':
      return backupCommand(rest);
    case 'restore':
      return restoreCommand(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${HELP}\n`);
      return 0;
    case '--version':
    case '-v':
      process.stdout.write(`${VERSION}\n`);
      return 0;
    default:
      process.stderr.write(`unknown command "${command}"\n\n${HELP}\n`);
      return 2;
  }
}

function explain(error: unknown): string {
  if (error instanceof ConfigError || error instanceof DomainError) return error.message;
  if (error instanceof Error) return error.stack ?? error.message;
  return String(error);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`parley: ${explain(error)}\n`);
    process.exitCode = 1;
  },
);
