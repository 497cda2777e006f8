// Suite `fan-out`: DISTINCT operators (and a few admins), each with his own WebSocket held in a separate process,
// chats assigned across them; messages offered through the webhook at a fixed rate, open loop. Latency is from
// the moment the webhook request was sent to the moment the frame reached the assigned operator's socket (and
// each admin's). The cost figure sends only to the chats of a few operators, once with the whole team connected
// and active, and once with only those few left in the team: cost proportional to who may see a chat keeps the
// two equal.
import { options, type Sizes } from '../lib/options.js';
import type { ParleyProcess } from '../lib/parley.js';
import { withParley } from '../lib/session.js';
import type { Report, Suite } from '../lib/report.js';
import { median, percentile, spreadOf, summarize } from '../lib/stats.js';
import { registerBot } from '../lib/telegram.js';
import { customerId, UpdateFactory, WebhookClient, type WebhookTarget } from '../lib/updates.js';
import { paced } from './paced.js';
import { SocketsProcess } from './sockets-process.js';
import { announceTeam, assignChats, chatsByCustomer, createTeam, shrinkTeam, type Member } from './team.js';

const P99_GOAL_MS = 50;
const COST_GOAL = 1.5;

interface Stage {
  server: ParleyProcess;
  sockets: SocketsProcess;
  client: WebhookClient;
  factory: UpdateFactory;
  targets: WebhookTarget[];
  /** Frames each message should cause: its operator's and every admin's. */
  framesPerMessage: number;
  db: Parameters<typeof createTeam>[0];
  team: { operators: Member[] };
}

export const fanout: Suite = async (stack, report) => {
  const { sizes } = options;
  const { profile } = await withParley(stack, { webhook: true, name: 'fanout' }, async ({ server, database, telegram }) => {
    const sockets = SocketsProcess.start();
    const client = new WebhookClient(256);
    try {
      const targets: WebhookTarget[] = [];
      for (let i = 0; i < sizes.bots; i += 1) targets.push({ url: server.url, ...(await server.addBot(registerBot(telegram).token)) });
      const db = database.open();
      const stage: Stage = { server, sockets, client, factory: new UpdateFactory(sizes.operators), targets, framesPerMessage: 1 + sizes.admins, db, team: { operators: [] } };
      await prepare(stage, sizes);
      await measureLatency(stage, sizes, report);
      await measureCost(stage, sizes, report);
    } finally {
      client.close();
      await sockets.stop();
    }
  });
  if (profile) report.note('fan-out', `CPU profile of the Parley process: ${profile}`);
};

/** One chat per operator (a first message from each customer), the team, the assignments, the sockets. */
async function prepare(stage: Stage, sizes: Sizes): Promise<void> {
  const { server, client, factory, targets, db } = stage;
  for (let c = 0; c < sizes.operators; c += 16) {
    const batch = Array.from({ length: Math.min(16, sizes.operators - c) }, (_, k) => client.post(route(targets, c + k).target, factory.message(c + k, 'hello')));
    const statuses = await Promise.all(batch);
    if (statuses.some((status) => status !== 200)) throw new Error(`creating the chats: answers ${statuses.join(', ')}`);
  }
  const team = await createTeam(db, sizes.operators, sizes.admins);
  stage.team.operators = team.operators;
  await announceTeam(server.url, server.adminToken, team.operators[0] as Member);
  const chats = await chatsByCustomer(db);
  await assignChats(
    server.url,
    server.adminToken,
    team.operators.map((operator, c) => ({ chatId: chats.get(customerId(c)) ?? 0, operatorId: operator.id })),
  );
  const { connected } = await stage.sockets.connect(server.url, [
    ...team.operators.map((member, index) => ({ token: member.token, index, admin: false })),
    ...team.admins.map((member, index) => ({ token: member.token, index, admin: true })),
  ]);
  if (connected !== sizes.operators + sizes.admins) throw new Error(`only ${connected} sockets connected`);
}

function route(targets: readonly WebhookTarget[], customer: number): { target: WebhookTarget; customer: number } {
  return { target: targets[customer % targets.length] as WebhookTarget, customer };
}

/** Offers `rate` msg/s for `seconds` to the chats of the first `operators` operators; waits for the frames. */
async function offer(stage: Stage, operators: number, rate: number, seconds: number) {
  const result = await paced(stage.client, stage.factory, (i) => route(stage.targets, i % operators), rate, seconds);
  const expected = result.ok * stage.framesPerMessage;
  const deadline = Date.now() + 15_000;
  while ((await stage.sockets.count()) < expected && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  const collected = await stage.sockets.collect();
  const received = collected.operator.length + collected.admin.length;
  return { ...result, expected, received, collected };
}

async function measureLatency(stage: Stage, sizes: Sizes, report: Report): Promise<void> {
  const p50s: number[] = [];
  const p99s: number[] = [];
  const operatorP99s: number[] = [];
  const adminP99s: number[] = [];
  const problems: string[] = [];
  const clientCpu = { sockets: 0, generator: 0, seconds: 0 };
  for (let run = -1; run < sizes.repeats; run += 1) {
    const seconds = run < 0 ? sizes.warmupSeconds : sizes.fanoutSeconds;
    const socketsBefore = (await stage.sockets.collect()).cpuMs;
    const generatorBefore = process.cpuUsage();
    const started = performance.now();
    const result = await offer(stage, sizes.operators, sizes.fanoutRate, seconds);
    if (run < 0) continue;
    const used = process.cpuUsage(generatorBefore);
    clientCpu.generator += (used.user + used.system) / 1000;
    clientCpu.sockets += result.collected.cpuMs - socketsBefore;
    clientCpu.seconds += (performance.now() - started) / 1000;
    const all = [...result.collected.operator, ...result.collected.admin];
    p50s.push(percentile(all, 0.5));
    p99s.push(percentile(all, 0.99));
    operatorP99s.push(percentile(result.collected.operator, 0.99));
    adminP99s.push(percentile(result.collected.admin, 0.99));
    if (result.saturated) problems.push(`run ${run + 1}: SATURATED — sending stopped after ${result.sent} messages, more than 0.5 s of offered load was waiting for answers`);
    else if (result.failures || result.received < result.expected) {
      problems.push(`run ${run + 1}: ${result.ok}/${result.sent} answered 200${result.failures ? ` (${result.failures})` : ''}, ${result.received}/${result.expected} frames arrived`);
    }
  }
  const p99 = summarize(p99s);
  const p50 = summarize(p50s);
  const name = `${sizes.operators} operators + ${sizes.admins} admins, ${sizes.fanoutRate} msg/s`;
  report.add({ suite: 'fan-out', name: `latency p50, ${name}`, value: p50.median, unit: 'ms', spread: spreadOf(p50) });
  report.add({
    suite: 'fan-out',
    name: `latency p99, ${name}`,
    value: p99.median,
    unit: 'ms',
    goal: `p99 < ${P99_GOAL_MS} ms`,
    met: problems.length === 0 && p99.median < P99_GOAL_MS,
    spread: spreadOf(p99),
  });
  report.note('fan-out', `webhook request sent → frame on the socket; ${sizes.warmupSeconds} s warm-up then ${sizes.repeats} × ${sizes.fanoutSeconds} s, open loop; one chat per operator, each assigned to him through the API; operators and tokens created in the database through Parley's repositories (see fanout/team.ts)`);
  report.note('fan-out', `p99 by audience (median of repeats): assigned operator ${median(operatorP99s).toFixed(1)} ms, admins ${median(adminP99s).toFixed(1)} ms`);
  report.note('fan-out', `client: the sockets process used ${cpuShare(clientCpu.sockets, clientCpu.seconds)} of a core, the load generator (bench process) ${cpuShare(clientCpu.generator, clientCpu.seconds)}`);
  report.note('fan-out', problems.length ? `DELIVERY PROBLEMS: ${problems.join('; ')}` : 'every message answered 200 and every expected frame arrived');
}

async function measureCost(stage: Stage, sizes: Sizes, report: Report): Promise<void> {
  const perMessage = async () => {
    const runs: number[] = [];
    for (let run = -1; run < sizes.repeats; run += 1) {
      const before = stage.server.cpuMs();
      const result = await offer(stage, sizes.smallTeam, sizes.costRate, run < 0 ? sizes.warmupSeconds : sizes.fanoutSeconds);
      if (run >= 0) runs.push(((stage.server.cpuMs() - before) * 1000) / result.sent);
    }
    return summarize(runs);
  };
  const whole = await perMessage();
  await stage.sockets.closeOperatorsFrom(sizes.smallTeam);
  const { operators } = stage.team;
  await shrinkTeam(stage.db, stage.server.url, stage.server.adminToken, operators.slice(sizes.smallTeam), operators[0] as Member);
  const small = await perMessage();
  report.add({
    suite: 'fan-out',
    name: `server CPU per message, team of ${sizes.operators} operators (all connected)`,
    value: whole.median,
    unit: 'µs/msg',
    baseline: { name: `team of ${sizes.smallTeam}`, value: small.median },
    goal: `≤ ${COST_GOAL}× (cost follows who may see the chat)`,
    met: whole.median <= COST_GOAL * small.median,
    spread: spreadOf(whole),
  });
  report.note(
    'fan-out',
    `cost: ${sizes.costRate} msg/s to the chats of ${sizes.smallTeam} operators (each chat seen by its operator and ${sizes.admins} admins), Parley's user+system CPU from /proc per message sent; ` +
      `first with all ${sizes.operators} operators active and connected, then with the others disconnected and deactivated; team of ${sizes.smallTeam}: ${small.median.toFixed(0)} µs/msg [${small.min.toFixed(0)}–${small.max.toFixed(0)}]`,
  );
}

function cpuShare(cpuMs: number, seconds: number): string {
  return seconds > 0 ? `${((cpuMs / 1000 / seconds) * 100).toFixed(0)}%` : 'n/a';
}
