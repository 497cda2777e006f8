import type { ChannelFactory } from '../factory.js';
import type { Logger } from '../../log.js';
import { SimulatorChannel } from './channel.js';

export { SimulatorChannel } from './channel.js';

export function simulatorChannels(logger: Logger): ChannelFactory {
  return {
    idempotentSend: false,
    create: (account) => new SimulatorChannel(account, logger.child({ accountId: account.id })),
  };
}
