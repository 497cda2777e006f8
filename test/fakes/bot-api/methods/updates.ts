import type { Update, UserFromGetMe, WebhookInfo } from '@grammyjs/types';
import { badRequest, pollTerminated, webhookActive } from '../errors.js';
import { optionalBoolean, optionalNumber, optionalString, optionalStringArray } from '../params.js';
import { Described, type MethodContext, type MethodHandler } from './context.js';

const getMe: MethodHandler = ({ state }): UserFromGetMe => state.me;

const getUpdates: MethodHandler = async ({ state, params, signal }): Promise<Update[]> => {
  if (state.webhook.active) throw webhookActive();
  state.poll.terminate(pollTerminated());
  const offset = optionalNumber(params, 'offset');
  const limit = Math.min(100, Math.max(1, optionalNumber(params, 'limit') ?? 100));
  const timeoutSeconds = Math.max(0, optionalNumber(params, 'timeout') ?? 0);
  const allowed = optionalStringArray(params, 'allowed_updates');
  if (allowed !== undefined) state.queue.setAllowed(allowed);
  if (offset !== undefined) state.queue.confirm(offset);
  if (state.queue.size === 0 && timeoutSeconds > 0) {
    await state.poll.wait(state.queue, timeoutSeconds * 1000, signal);
  }
  return state.queue.peek(limit);
};

const setWebhook: MethodHandler = ({ state, params, files }) => {
  const url = optionalString(params, 'url') ?? '';
  if (url === '') return removeWebhook({ state, params });
  checkLoopback(url);
  const secretToken = optionalString(params, 'secret_token');
  if (secretToken !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secretToken)) {
    throw badRequest('secret token contains unallowed characters');
  }
  const allowed = optionalStringArray(params, 'allowed_updates');
  if (allowed !== undefined) state.queue.setAllowed(allowed);
  if (optionalBoolean(params, 'drop_pending_updates') === true) state.queue.clear();
  const unchanged = state.webhook.info().url === url;
  state.poll.terminate(webhookActive());
  state.webhook.set({
    url,
    secretToken,
    maxConnections: optionalNumber(params, 'max_connections') ?? 40,
    hasCustomCertificate: files.some((file) => file.param === 'certificate'),
  });
  return new Described(true, unchanged ? 'Webhook is already set' : 'Webhook was set');
};

const deleteWebhook: MethodHandler = (context) => removeWebhook(context);

function removeWebhook({ state, params }: Pick<MethodContext, 'state' | 'params'>): Described {
  const wasActive = state.webhook.active;
  if (optionalBoolean(params, 'drop_pending_updates') === true) state.queue.clear();
  state.webhook.remove();
  return new Described(true, wasActive ? 'Webhook was deleted' : 'Webhook is already deleted');
}

const getWebhookInfo: MethodHandler = ({ state }): WebhookInfo => state.webhook.info();

/** The fake must never reach past this machine, so it refuses what Telegram would accept. */
function checkLoopback(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw badRequest('bad webhook: invalid URL');
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname);
  if (parsed.protocol !== 'http:' || !loopback) {
    throw badRequest('bad webhook: the fake Bot API delivers only to http://127.0.0.1, localhost or [::1]');
  }
}

export const updateMethods = { getMe, getUpdates, setWebhook, deleteWebhook, getWebhookInfo };
