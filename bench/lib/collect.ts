// The Report every suite writes to: keeps figures and notes, prints them as they come and as one table at the
// end, and writes the table as JSON for docs/benchmarks.md.
import { writeFileSync } from 'node:fs';
import type { Figure, Report } from './report.js';

export interface Row extends Figure {
  stack: string;
  ratio?: number;
}

export class Collected implements Report {
  readonly rows: Row[] = [];
  readonly notes: { stack: string; suite: string; text: string }[] = [];
  stack = '';

  add(figure: Figure): void {
    const ratio = figure.baseline && figure.baseline.value > 0 ? figure.value / figure.baseline.value : undefined;
    const row: Row = { ...figure, stack: this.stack, ...(ratio !== undefined && { ratio }) };
    this.rows.push(row);
    process.stdout.write(`  [${row.stack}] ${row.suite}: ${describe(row)}\n`);
  }

  note(suite: string, text: string): void {
    this.notes.push({ stack: this.stack, suite, text });
    process.stdout.write(`  [${this.stack}] ${suite} — ${text}\n`);
  }

  table(): string {
    const header = ['suite', 'stack', 'figure', 'value', 'baseline', 'ratio', 'goal', 'met'];
    const lines = this.rows.map((row) => [
      row.suite,
      row.stack,
      row.name,
      `${format(row.value)} ${row.unit}${row.spread ? ` (${format(row.spread.min)}–${format(row.spread.max)}, n=${row.spread.repeats})` : ''}`,
      row.baseline ? `${format(row.baseline.value)} ${row.baseline.name}` : '',
      row.ratio === undefined ? '' : row.ratio.toFixed(2),
      row.goal ?? '',
      `${row.met === undefined ? '' : row.met ? 'yes' : 'NO'}${row.exactlyOnce === false ? ' (UPDATES LOST OR DOUBLED)' : ''}`,
    ]);
    const widths = header.map((title, i) => Math.max(title.length, ...lines.map((line) => (line[i] ?? '').length)));
    const render = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ');
    return [render(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...lines.map(render)].join('\n');
  }

  writeJson(file: string, meta: Record<string, unknown>): void {
    writeFileSync(file, `${JSON.stringify({ ...meta, figures: this.rows, notes: this.notes }, null, 2)}\n`);
  }
}

function describe(row: Row): string {
  const spread = row.spread ? ` [${format(row.spread.min)}–${format(row.spread.max)}]` : '';
  const baseline = row.baseline ? `, baseline ${row.baseline.name} ${format(row.baseline.value)}, ratio ${row.ratio?.toFixed(2)}` : '';
  const goal = row.goal ? `, goal ${row.goal}: ${row.met ? 'met' : 'NOT met'}` : '';
  return `${row.name} ${format(row.value)} ${row.unit}${spread}${baseline}${goal}`;
}

function format(value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}
