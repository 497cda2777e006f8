import { api, unwrap } from '../../../lib/api-client';

/** A single-use ticket to open the socket, so no token appears in its URL. */
export async function getWsTicket(): Promise<string> {
  return (await unwrap(api.POST('/api/ws-ticket/'))).ticket;
}
