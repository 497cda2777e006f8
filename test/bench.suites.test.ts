// The list and memory benchmarks' code paths at a tiny size on SQLite: seeding, Parley and the baseline in their
// own processes, every endpoint answered, figures reported. Measures nothing: no timing is asserted.
import { describe, expect, it } from 'vitest';
import type { Figure } from '../bench/lib/report.js';
import { LIST_SIZES, measureLists } from '../bench/lists/index.js';
import { measureRss, RSS_SIZES } from '../bench/rss/index.js';

function collector() {
  const figures: Figure[] = [];
  const notes: string[] = [];
  return { figures, notes, report: { add: (figure: Figure) => figures.push(figure), note: (_suite: string, text: string) => notes.push(text) } };
}

describe('the benchmark suites at a tiny size', () => {
  it('lists: seeds 1,000 chats, times every list endpoint on Parley and on the bare route', async () => {
    const { figures, notes, report } = collector();
    await measureLists({ name: 'sqlite' }, report, LIST_SIZES.tiny);
    expect(figures.length).toBeGreaterThanOrEqual(10);
    for (const figure of figures) {
      expect(figure.value).toBeGreaterThan(0);
      expect(figure.baseline?.value).toBeGreaterThan(0);
    }
    expect(notes.some((note) => note.includes('seeded 1000 chats / 10000 messages'))).toBe(true);
  }, 120_000);

  it('rss: one Parley process with simulator and personal accounts connected', async () => {
    const { figures, report } = collector();
    await measureRss({ name: 'sqlite' }, report, RSS_SIZES.tiny);
    expect(figures).toHaveLength(1);
    expect(figures[0]?.value).toBeGreaterThan(0);
    expect(figures[0]?.baseline?.value).toBeGreaterThan(0);
    expect(figures[0]?.name).toContain('3 connected accounts');
  }, 120_000);
});
