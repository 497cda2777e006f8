// Another program on Parley's database: counts rows and holds a table's write lock, as a backup job or a
// migration in another process would. While the lock is held Parley's next write on that table waits
// (SQLite: busy, then SQLITE_BUSY after its busy timeout; MySQL: waits for the table lock until released,
// or until its connection is killed).
import BetterSqlite3 from 'better-sqlite3';
import { createConnection, type Connection, type RowDataPacket } from 'mysql2/promise';

type Table = 'messages' | 'contacts' | 'chats';

export interface OutsideWriter {
  count(table: Table): Promise<number>;
  /** Resolves once the lock is held (after Parley's transaction in progress, if any, committed). */
  lock(table: Table): Promise<void>;
  /** MySQL: connections of Parley waiting for the lock (SQLite cannot tell: empty). */
  waiting(): Promise<number[]>;
  /** MySQL: drops one of Parley's connections, as a restart of the database or a network cut would. */
  kill(connectionId: number): Promise<void>;
  release(): Promise<void>;
  close(): Promise<void>;
}

/** `url` is a Parley DATABASE_URL (`sqlite:/path` or `mysql://…`). */
export async function outsideWriter(url: string): Promise<OutsideWriter> {
  return url.startsWith('sqlite:') ? sqliteWriter(url.slice('sqlite:'.length)) : mysqlWriter(await createConnection({ uri: url }));
}

function sqliteWriter(file: string): OutsideWriter {
  const db = new BetterSqlite3(file, { timeout: 10_000 });
  const count = (table: Table) => Number((db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n);
  return {
    count: async (table) => count(table),
    lock: async () => {
      db.prepare('BEGIN IMMEDIATE').run();
    },
    waiting: async () => [],
    kill: async () => {
      throw new Error('SQLite has no connections to kill');
    },
    release: async () => {
      if (db.inTransaction) db.prepare('ROLLBACK').run();
    },
    close: async () => {
      db.close();
    },
  };
}

function mysqlWriter(connection: Connection): OutsideWriter {
  let locked = false;
  return {
    async count(table) {
      const [rows] = await connection.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM \`${table}\``);
      return Number(rows[0]?.n);
    },
    async lock(table) {
      // READ: Parley's writes to the table wait and its reads go on, as under SQLite's BEGIN IMMEDIATE in WAL mode
      await connection.query(`LOCK TABLES \`${table}\` READ`);
      locked = true;
    },
    async waiting() {
      const [rows] = await connection.query<RowDataPacket[]>(
        "SELECT id FROM information_schema.processlist WHERE db = DATABASE() AND id <> CONNECTION_ID() AND state LIKE 'Waiting for table%lock'",
      );
      return rows.map((row) => Number(row.id));
    },
    async kill(connectionId) {
      await connection.query(`KILL ${Number(connectionId)}`);
    },
    async release() {
      if (locked) await connection.query('UNLOCK TABLES');
      locked = false;
    },
    async close() {
      await connection.end();
    },
  };
}
