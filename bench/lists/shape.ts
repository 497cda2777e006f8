// Names and words of the seeded inbox, so the load can search for what is there (common and rare).
const FIRST = ['Anna', 'Boris', 'Clara', 'Dmitri', 'Elena', 'Fedor', 'Galina', 'Hugo', 'Irina', 'Jonas', 'Katya', 'Lev', 'Maria', 'Nikolai', 'Olga', 'Pavel', 'Quinn', 'Raisa', 'Sergei', 'Tanya', 'Uma', 'Viktor', 'Wanda', 'Yuri', 'Zoya'];
const LAST = ['Ivanova', 'Petrov', 'Smirnova', 'Kuznetsov', 'Popova', 'Sokolov', 'Lebedeva', 'Kozlov', 'Novikova', 'Morozov', 'Volkova', 'Solovyov', 'Vasilyeva', 'Zaytsev', 'Pavlova', 'Semyonov', 'Golubeva', 'Vinogradov', 'Bogdanova', 'Vorobyov'];

/** Chat i's customer: 500 name pairs, plus a number that makes one chat findable on its own. */
export function contactName(i: number): { first: string; last: string } {
  return { first: FIRST[i % FIRST.length]!, last: `${LAST[Math.floor(i / FIRST.length) % LAST.length]!} ${i + 1}` };
}

export const SEARCH = {
  /** In one chat in 20: a page fills from the newest chats at once. */
  common: 'petrov',
  /** In one chat only: the whole table is read to find it (LIKE '%…%' has no index). */
  rare: 'zoya vorobyov 100000',
  messageWord: 'message',
};

/** Groups of `size` from any iterable, lazily (rows are generated, not held in memory). */
export function* chunks<T>(items: Iterable<T>, size: number): Generator<T[]> {
  let group: T[] = [];
  for (const item of items) {
    group.push(item);
    if (group.length === size) {
      yield group;
      group = [];
    }
  }
  if (group.length > 0) yield group;
}
