/** A LIKE pattern matching `text` anywhere, with `!` as the escape character (same on SQLite and MySQL). */
export function likePattern(text: string): string {
  return `%${text.replace(/[!%_]/g, (c) => `!${c}`)}%`;
}
