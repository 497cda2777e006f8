// The HTTP side: routes /bot<token>/<method> and /file/bot<token>/<path> on 127.0.0.1.
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApiResponse, ApiSuccess } from '@grammyjs/types';
import { FakeBot } from './bot.js';
import { BotState } from './bot-state.js';
import { sleep } from './clock.js';
import { TelegramError, notFound, unauthorized } from './errors.js';
import { faultError } from './faults.js';
import { Described, type MethodHandler, findMethod } from './methods/index.js';
import type { Params } from './params.js';
import { type ParsedRequest, parseRequest, readBody } from './request.js';
import {
  type BotIdentity,
  DEFAULT_SETTINGS,
  type FakeBotApiOptions,
  type Fault,
  type ServerSettings,
} from './types.js';

type Answer = ApiResponse<unknown> | 'drop';

export class FakeBotApi {
  private readonly bots = new Map<string, BotState>();
  private readonly server: Server;
  private root = '';

  private constructor(private readonly settings: ServerSettings) {
    this.server = createServer((req, res) => {
      this.route(req, res).catch((error: unknown) => {
        console.error('fake Bot API: unexpected error', error);
        if (res.headersSent) res.destroy();
        else reply(res, new TelegramError(500, 'Internal Server Error').toResponse());
      });
    });
  }

  static async start(options: FakeBotApiOptions = {}): Promise<FakeBotApi> {
    const api = new FakeBotApi({ ...DEFAULT_SETTINGS, ...options });
    await new Promise<void>((resolve, reject) => {
      api.server.once('error', reject);
      api.server.listen(0, '127.0.0.1', resolve);
    });
    const { port } = api.server.address() as AddressInfo;
    api.root = `http://127.0.0.1:${port}`;
    return api;
  }

  /** For grammY's `client.apiRoot` and Parley's TELEGRAM_BOT_API_ROOT. */
  get apiRoot(): string {
    return this.root;
  }

  addBot(identity: BotIdentity): FakeBot {
    if (this.bots.has(identity.token)) throw new Error(`A bot with token ${identity.token} exists already`);
    const state: BotState = new BotState(identity, this.settings, (params) => this.webhookReply(state, params));
    this.bots.set(identity.token, state);
    return new FakeBot(state);
  }

  async close(): Promise<void> {
    await Promise.all([...this.bots.values()].map((state) => state.webhook.close()));
    await new Promise<void>((resolve, reject) => {
      this.server.close((error) => (error ? reject(error) : resolve()));
      this.server.closeAllConnections();
    });
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.root);
    const call = /^\/bot([^/]+)\/([^/]+)$/.exec(url.pathname);
    if (call?.[1] !== undefined && call[2] !== undefined) {
      return this.apiCall(req, res, decodeURIComponent(call[1]), call[2], url.searchParams);
    }
    const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    await readBody(req, this.settings.uploadLimitBytes).catch(() => undefined);
    if (file?.[1] !== undefined && file[2] !== undefined && req.method === 'GET') {
      return this.download(res, decodeURIComponent(file[1]), decodeURIComponent(file[2]));
    }
    reply(res, notFound().toResponse());
  }

  private async apiCall(
    req: IncomingMessage,
    res: ServerResponse,
    token: string,
    name: string,
    query: URLSearchParams,
  ): Promise<void> {
    const signal = hangUpSignal(res);
    let request: ParsedRequest;
    try {
      const body = await readBody(req, this.settings.uploadLimitBytes);
      request = parseRequest(query, req.headers['content-type'] ?? '', body);
    } catch (error) {
      if (!(error instanceof TelegramError)) throw error;
      return reply(res, (this.bots.has(token) ? error : unauthorized()).toResponse());
    }
    const state = this.bots.get(token);
    if (state === undefined) return reply(res, unauthorized().toResponse());
    const method = findMethod(name);
    const { params, files } = request;
    const answered = state.calls.record({ method: method?.name ?? name, params, files, via: 'http' });
    const answer = await this.answer(state, name, method?.handler, request, signal);
    if (answer === 'drop') return void req.socket.destroy();
    if (signal.aborted) return;
    answered(answer);
    reply(res, answer);
  }

  private async answer(
    state: BotState,
    name: string,
    handler: MethodHandler | undefined,
    { params, files }: ParsedRequest,
    signal: AbortSignal,
  ): Promise<Answer> {
    if (state.revoked) return unauthorized().toResponse();
    // No await before the handler unless a fault delays: a test woken by waitForCall must find
    // the handler started (e.g. a long poll already waiting).
    const fault = state.faults.take(name);
    if (fault !== undefined) {
      const answer = await faultAnswer(fault, signal);
      if (answer !== undefined) return answer;
    }
    if (handler === undefined) return notFound().toResponse();
    try {
      const result = await handler({ state, params, files, settings: this.settings, signal });
      if (!(result instanceof Described)) return { ok: true, result };
      const described: ApiSuccess<unknown> & { description: string } = { ok: true, ...result };
      return described;
    } catch (error) {
      if (error instanceof TelegramError) return error.toResponse();
      throw error;
    }
  }

  private async download(res: ServerResponse, token: string, filePath: string): Promise<void> {
    const state = this.bots.get(token);
    if (state === undefined || state.revoked) return reply(res, unauthorized().toResponse());
    const fault = state.faults.take('download');
    const answer = fault === undefined ? undefined : await faultAnswer(fault, hangUpSignal(res));
    if (answer === 'drop') return void res.socket?.destroy();
    if (answer !== undefined) return reply(res, answer);
    const file = state.files.download(filePath);
    if (file === undefined) return reply(res, notFound().toResponse());
    const contentType = file.meta.mime_type ?? 'application/octet-stream';
    res.writeHead(200, { 'content-type': contentType, 'content-length': file.bytes.length });
    res.end(file.bytes);
  }

  /** Runs the method a webhook receiver answered with; Telegram sends no result back for it. */
  private async webhookReply(state: BotState, body: Params): Promise<void> {
    const { method: rawName, ...params } = body;
    const name = String(rawName);
    const method = findMethod(name);
    const answered = state.calls.record({ method: method?.name ?? name, params, files: [], via: 'webhook-reply' });
    const never = new AbortController().signal;
    const answer = await this.answer(state, name, method?.handler, { params, files: [] }, never);
    if (answer !== 'drop') answered(answer);
  }
}

export const startFakeBotApi = (options?: FakeBotApiOptions): Promise<FakeBotApi> => FakeBotApi.start(options);

/** Waits out a fault's delay; then its drop or error answer, if it has one. */
async function faultAnswer(fault: Fault, signal: AbortSignal): Promise<Answer | undefined> {
  if (fault.delayMs !== undefined) await sleep(fault.delayMs, signal);
  if ('drop' in fault) return 'drop';
  return faultError(fault)?.toResponse();
}

/** Aborts when the client goes away before its answer, e.g. grammY's bot.stop() during a long poll. */
function hangUpSignal(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
}

function reply(res: ServerResponse, body: ApiResponse<unknown>): void {
  if (res.destroyed) return;
  const json = JSON.stringify(body);
  const status = body.ok ? 200 : body.error_code;
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}
