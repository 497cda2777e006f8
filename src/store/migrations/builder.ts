// What differs between SQLite and MySQL when creating tables, so each migration is written once.
import { sql, type ColumnDataType, type CreateTableBuilder, type Expression, type Kysely } from 'kysely';

export type Dialect = 'sqlite' | 'mysql';

export interface MigrationContext {
  dialect: Dialect;
  /** Creates a table; on MySQL with InnoDB, utf8mb4 and binary collation (the same comparisons as SQLite). */
  createTable(db: Kysely<unknown>, name: string): CreateTableBuilder<string, never>;
  types: {
    /** Auto-increment primary key type: SQLite needs exactly `integer` to alias its rowid. */
    primaryKey: ColumnDataType;
    /** Integers that reference primary keys, Telegram ids and epoch milliseconds. */
    bigint: ColumnDataType;
    /** Free text that can exceed 64 KB (message text, entities). */
    longText: ColumnDataType | Expression<unknown>;
    text: ColumnDataType;
  };
}

export function migrationContext(dialect: Dialect): MigrationContext {
  return {
    dialect,
    createTable(db, name) {
      const table = db.schema.createTable(name);
      return dialect === 'mysql'
        ? table.modifyEnd(sql`engine=InnoDB default charset=utf8mb4 collate=utf8mb4_bin`)
        : table;
    },
    types: {
      primaryKey: dialect === 'sqlite' ? 'integer' : 'bigint',
      bigint: 'bigint',
      longText: dialect === 'sqlite' ? 'text' : sql`mediumtext`,
      text: 'text',
    },
  };
}
