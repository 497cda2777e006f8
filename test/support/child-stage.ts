// What a test needs around a Parley child process it kills or stops: a fake Bot API, a working directory, a
// database of its own, and another program on that database (to hold a table's lock at a chosen moment).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startFakeBotApi, type FakeBotApi } from '../fakes/bot-api/index.js';
import { prepareDatabase, type Dialect } from './database.js';
import { outsideWriter, type OutsideWriter } from './outside-writer.js';

export interface ChildStage {
  telegram: FakeBotApi;
  dir: string;
  database: { url: string; drop(): Promise<void> };
  writer: OutsideWriter;
}

/** One stage for the describe block; the getter is read inside tests. */
export function useChildStage(dialect: Dialect, name: string): () => ChildStage {
  let stage: ChildStage | undefined;
  beforeAll(async () => {
    const telegram = await startFakeBotApi();
    const dir = mkdtempSync(path.join(tmpdir(), `parley-${name}-`));
    const database = await prepareDatabase(dialect, dir);
    stage = { telegram, dir, database, writer: await outsideWriter(database.url) };
  });
  afterAll(async () => {
    if (!stage) return;
    await stage.writer.release();
    await stage.writer.close();
    await stage.telegram.close();
    await stage.database.drop();
    rmSync(stage.dir, { recursive: true, force: true });
  });
  return () => {
    if (!stage) throw new Error('the stage is set in beforeAll: read it inside a test');
    return stage;
  };
}
