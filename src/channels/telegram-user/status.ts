// What a personal account shows to admins (status, reason, until), told to Parley through the channel's sink.
// Repeats are not sent; a flood wait shows until it is over.
import type { AccountStatus, HistoryImportProgress } from '../../domain/account.js';
import type { Logger } from '../../log.js';
import type { InboundSink } from '../channel.js';

export class AccountStatusReporter {
  private reported: { status: AccountStatus; reason: string | null } | undefined;
  private floodTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sink: () => InboundSink | undefined,
    private readonly logger: Logger,
  ) {}

  get status(): AccountStatus | undefined {
    return this.reported?.status;
  }

  /** `historyImport`: where a running history import stands (the reason says it in words too). */
  async report(status: AccountStatus, reason: string | null, until: Date | null = null, historyImport: HistoryImportProgress | null = null): Promise<void> {
    if (this.reported?.status === status && this.reported.reason === reason && until === null) return;
    this.reported = { status, reason };
    try {
      await this.sink()?.({ type: 'account.status', status, reason, until, historyImport });
    } catch (error) {
      this.logger.warn({ err: error }, 'account status not stored');
    }
  }

  /** Telegram asked to wait: the account shows it until the time is up, then active again if still connected. */
  async floodWait(seconds: number, stillLive: () => boolean): Promise<void> {
    clearTimeout(this.floodTimer);
    this.floodTimer = setTimeout(() => {
      if (this.status === 'flood_wait' && stillLive()) void this.report('active', null);
    }, seconds * 1000);
    this.floodTimer.unref();
    await this.report('flood_wait', `Telegram asked to wait ${seconds} s (FLOOD_WAIT_${seconds})`, new Date(Date.now() + seconds * 1000));
  }

  stop(): void {
    clearTimeout(this.floodTimer);
  }
}

/** Why a dead session needs an admin, in words. */
export function reauthMessage(reason: string): string {
  switch (reason) {
    case 'USER_DEACTIVATED':
    case 'USER_DEACTIVATED_BAN':
      return `Telegram deactivated this account (${reason})`;
    case 'SESSION_REVOKED':
      return `the session was terminated from another device (${reason}); log in again`;
    default:
      return `Telegram no longer accepts this session (${reason}); log in again`;
  }
}
