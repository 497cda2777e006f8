// mtcute's own log lines go to Parley's logger (warnings and errors), never to the console.
import { format } from 'node:util';
import type { TelegramClient } from '@mtcute/core/client.js';
import type { Logger } from '../../log.js';

const WARN = 2;
const ERROR = 1;

export function forwardMtcuteLogs(tg: TelegramClient, logger: Logger): void {
  const manager = tg.log.mgr;
  manager.level = WARN;
  manager.handler = (_color, level, tag, fmt, args) => {
    // mtcute's own specifiers (%b, %j, %J, %e) read well enough as %s / %j
    const message = format(fmt.replace(/%[bJe]/g, '%s'), ...args);
    if (level <= ERROR) logger.error({ tag }, message);
    else logger.warn({ tag }, message);
  };
}
