// How many accounts a worker should hold: an even split, the remainder to those holding most already (fewest moves).

/** `loads`: every live worker with the number of accounts it holds now (this one included). */
export function shareOf(self: string, loads: Map<string, number>, accounts: number): number {
  const workers = [...loads.entries()].sort(([a, heldA], [b, heldB]) => heldB - heldA || a.localeCompare(b)).map(([id]) => id);
  const even = Math.floor(accounts / workers.length);
  const index = workers.indexOf(self);
  return even + (index >= 0 && index < accounts % workers.length ? 1 : 0);
}
