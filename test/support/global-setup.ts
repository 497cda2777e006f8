// Placeholder until the database matrix lands; see test/support/ for helpers.
export default function setup(): void {}
