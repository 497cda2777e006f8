// Sends whose outcome is unknown (the answer was lost to a timeout or a dropped connection). Telegram may have
// posted them: when such a message comes back through catch-up — as an outgoing message without a random id,
// since MTProto sends none with it — it is tagged with the send's random id, so ingest recognises our own row
// instead of storing it twice. The repeated send then learns its id from RANDOM_ID_DUPLICATE (outbound.ts).
import type { InboundEvent, OutboundMessage } from '../channel.js';

const LIMIT = 100;

export class UncertainSends {
  private readonly sends = new Map<string, OutboundMessage>();

  remember(message: OutboundMessage): void {
    this.sends.set(message.randomId, message);
    if (this.sends.size > LIMIT) this.sends.delete(this.sends.keys().next().value as string);
  }

  recognise(event: InboundEvent): InboundEvent {
    if (event.type !== 'message.new' || event.message.direction !== 'out' || this.sends.size === 0) return event;
    const inbound = event.message;
    for (const [randomId, sent] of this.sends) {
      const sameChat = sent.chatExternalId === inbound.chat.externalId;
      if (sameChat && (sent.text ?? null) === inbound.text && (sent.attachment !== null) === inbound.media.length > 0) {
        this.sends.delete(randomId);
        return { type: 'message.new', message: { ...inbound, randomId } };
      }
    }
    return event;
  }
}
