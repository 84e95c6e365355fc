/** Server memory: RSS of the server process (from /proc) before and with N stream clients connected. */
import { memoryOf } from './children.ts';
import { round, sleep } from './stats.ts';
import { closeSubscribers, connectSubscribers } from './stream-clients.ts';

export interface MemoryOptions {
  serverUrl: string;
  serverPid: number;
  tokens: readonly string[];
  clients: number;
  /** RSS right after start-up (seeded, idle), measured before any load. */
  idleRssMb: number;
  log: (message: string) => void;
}

export async function benchMemory(options: MemoryOptions) {
  const before = memoryOf(options.serverPid);
  options.log(`memory: connecting ${options.clients} stream clients`);
  const subscribers = await connectSubscribers(options.serverUrl, options.tokens, options.clients, {
    keepFrames: false,
  });
  try {
    await sleep(1500);
    const connected = memoryOf(options.serverPid);
    const target = { maxRssMbWithClients: 300 };
    return {
      idleRssMb: round(options.idleRssMb, 1),
      afterLoadRssMb: round(before.rssMb, 1),
      clients: subscribers.length,
      withClientsRssMb: round(connected.rssMb, 1),
      /** RSS added by connecting them; small when the heap already had room from the load before. */
      deltaMb: round(connected.rssMb - before.rssMb, 1),
      peakRssMb: round(connected.peakRssMb, 1),
      target,
      met: subscribers.length === options.clients && connected.rssMb < target.maxRssMbWithClients,
    };
  } finally {
    await closeSubscribers(subscribers);
  }
}
