import type { Suite } from '../lib/report.js';
export const fanout: Suite = async () => undefined;
