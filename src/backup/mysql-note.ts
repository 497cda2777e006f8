// On MySQL a backup holds the media files only; the database is dumped with MySQL's own tool. This is the note.

/** The mysqldump command for DATABASE_URL (the password is asked for, never written down). */
export function mysqldumpCommand(url: string, output: string): string {
  const { host, port, user, database } = mysqlParts(url);
  return `mysqldump --single-transaction --quick --routines --triggers --hex-blob --default-character-set=utf8mb4 -h ${host} -P ${port} -u ${user} -p ${database} > ${output}`;
}

export function mysqlLoadCommand(url: string, input: string): string {
  const { host, port, user, database } = mysqlParts(url);
  return `mysql --default-character-set=utf8mb4 -h ${host} -P ${port} -u ${user} -p ${database} < ${input}`;
}

export function mysqlDumpNote(url: string, createdAt: string, dumpFile: string): string {
  return `Parley backup of ${createdAt}: media files only (media/), with manifest.json.

The database is MySQL and is not in this directory. Dump it with a consistent snapshot:

  ${mysqldumpCommand(url, dumpFile)}

and keep ${dumpFile} here, beside media/. Every file a dump names is here when the dump was taken BEFORE this
backup (files are only added, and removed by retention together with their messages): dump first, then run
\`parley backup\` into an empty directory, then move ${dumpFile} into it.

\`parley restore\` puts the media files back and prints the command that loads ${dumpFile} into an empty database.
The secret key is not in the backup: restore needs the same SECRET_KEY (manifest.json holds its fingerprint).
`;
}

function mysqlParts(url: string): { host: string; port: string; user: string; database: string } {
  const parsed = new URL(url);
  return {
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port || '3306',
    user: decodeURIComponent(parsed.username) || 'root',
    database: decodeURIComponent(parsed.pathname.slice(1)),
  };
}
