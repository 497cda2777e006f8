import { sql, type Expression, type SqlBool } from 'kysely';

const escape = (text: string) => text.replace(/[!%_]/g, (c) => `!${c}`);

/** A LIKE pattern matching `text` anywhere, with `!` as the escape character (same on SQLite and MySQL). */
export function likePattern(text: string): string {
  return `%${escape(text)}%`;
}

/** `column LIKE 'prefix%'`, escaped the same way on both databases. */
export function startsWith(column: string, prefix: string): Expression<SqlBool> {
  return sql<SqlBool>`${sql.ref(column)} like ${`${escape(prefix)}%`} escape '!'`;
}
