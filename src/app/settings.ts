// Workspace settings: read often (every ingest, every fan-out), changed rarely by admins. Cached per
// process and refreshed when any process announces a change on the bus, or after a short time.
import { DEFAULT_SETTINGS, type Settings } from '../domain/settings.js';
import type { SettingsRepository } from '../store/settings.js';

const MAX_AGE_MS = 30_000;

const KEYS: Record<keyof Settings, string> = {
  autoAssignment: 'auto_assignment',
  operatorsSeeUnassigned: 'operators_see_unassigned',
  retentionDays: 'retention_days',
};

export class SettingsService {
  private cached: { at: number; settings: Promise<Settings> } | undefined;

  constructor(
    private readonly repository: SettingsRepository,
    private readonly announce: () => Promise<void>,
  ) {}

  current(): Promise<Settings> {
    const now = Date.now();
    if (!this.cached || now - this.cached.at > MAX_AGE_MS) {
      const settings = this.load();
      this.cached = { at: now, settings };
      settings.catch(() => (this.cached = undefined));
    }
    return this.cached.settings;
  }

  /** Writes the given settings (validated at the edge) and tells every process. */
  async update(patch: Partial<Settings>): Promise<Settings> {
    for (const [field, value] of Object.entries(patch) as [keyof Settings, unknown][]) {
      if (value !== undefined) await this.repository.set(KEYS[field], value);
    }
    this.invalidate();
    await this.announce();
    return this.current();
  }

  invalidate(): void {
    this.cached = undefined;
  }

  private async load(): Promise<Settings> {
    const stored = await this.repository.getAll();
    const settings: Settings = { ...DEFAULT_SETTINGS };
    for (const [field, key] of Object.entries(KEYS) as [keyof Settings, string][]) {
      if (stored.has(key)) Object.assign(settings, { [field]: stored.get(key) });
    }
    return settings;
  }
}
