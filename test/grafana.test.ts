// The Grafana dashboard in deploy/ charts what Parley really exports: every metric it queries is in a real
// server's /metrics, and every Parley metric has a panel.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { metricNames } from './support/metrics.js';
import { useServer } from './support/server.js';

const TOKEN = 'grafana-test-token-0123456789';
const DASHBOARD = new URL('../deploy/grafana/parley.json', import.meta.url);

interface Panel {
  id: number;
  type: string;
  title: string;
  targets?: { expr: string; datasource: { uid: string } }[];
}

/** Sample names a family produces: a histogram's buckets, sum and count besides its own name. */
function sampleNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const name of metricNames(text)) {
    names.add(name);
    if (new RegExp(`^# TYPE ${name} histogram$`, 'm').test(text)) for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${name}${suffix}`);
  }
  return names;
}

describe('the Grafana dashboard', () => {
  const server = useServer('sqlite', { env: { METRICS_TOKEN: TOKEN } });
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { uid: string; panels: Panel[]; templating: { list: { name: string }[] } };
  const charts = dashboard.panels.filter((panel) => panel.type !== 'row');
  const queried = new Set(charts.flatMap((panel) => (panel.targets ?? []).flatMap((target) => target.expr.match(/\b(?:parley|process|nodejs)_\w+/g) ?? [])));

  it('is a dashboard whose every chart queries the chosen Prometheus', () => {
    expect(dashboard.uid).toBe('parley-overview');
    expect(new Set(dashboard.panels.map((panel) => panel.id)).size).toBe(dashboard.panels.length);
    expect(dashboard.templating.list.map((variable) => variable.name)).toEqual(['datasource', 'role', 'instance']);
    for (const panel of charts) {
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets ?? []) expect(target.datasource.uid, panel.title).toBe('${datasource}');
    }
  });

  it('queries only metrics that /metrics serves, and charts every Parley metric', async () => {
    const response = await fetch(`${server().url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const text = await response.text();
    const served = sampleNames(text);
    expect([...queried].filter((name) => !served.has(name))).toEqual([]);
    const parleyFamilies = [...metricNames(text)].filter((name) => name.startsWith('parley_'));
    expect(parleyFamilies.length).toBeGreaterThanOrEqual(10);
    const charted = (family: string) => [...queried].some((name) => name === family || name.startsWith(`${family}_`));
    expect(parleyFamilies.filter((family) => !charted(family))).toEqual([]);
  });
});
