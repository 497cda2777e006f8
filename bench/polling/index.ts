import type { Suite } from '../lib/report.js';
export const polling: Suite = async () => undefined;
