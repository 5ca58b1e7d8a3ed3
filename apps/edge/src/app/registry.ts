// The models the app knows (bundled and user-opened), loaded once, with one session per backend.
import type { Session } from '@enxuto/runtime';
import { formatBytes } from './memory.js';
import { loadBundled, type CatalogEntry, type LoadedModel } from './model-source.js';
import { createEdgeSession, type Capabilities, type EdgeBackend } from './session.js';

export class ModelRegistry {
  catalog: CatalogEntry[] = [];
  readonly userModels: LoadedModel[] = [];
  private readonly loaded = new Map<string, Promise<LoadedModel>>();
  private readonly sessions = new Map<string, Promise<Session>>();

  constructor(
    private readonly appBase: string,
    private readonly caps: () => Capabilities,
  ) {}

  addUserModel(m: LoadedModel): void {
    this.userModels.push(m);
  }

  model(id: string): Promise<LoadedModel> {
    let p = this.loaded.get(id);
    if (!p) {
      const user = this.userModels.find((m) => m.id === id);
      const entry = this.catalog.find((c) => c.id === id);
      p = user
        ? Promise.resolve(user)
        : entry
          ? loadBundled(entry, this.appBase)
          : Promise.reject(new Error(`unknown model ${id}`));
      this.loaded.set(id, p);
      p.catch(() => this.loaded.delete(id)); // a failed load may be retried
    }
    return p;
  }

  session(id: string, backend: EdgeBackend): Promise<Session> {
    const key = `${id}|${backend}`;
    let p = this.sessions.get(key);
    if (!p) {
      p = this.model(id).then((m) => createEdgeSession(m.model, backend, m.name, this.caps()));
      this.sessions.set(key, p);
      p.catch(() => this.sessions.delete(key));
    }
    return p;
  }

  /** Choices for the model pickers: bundled first, then opened files and URLs. */
  options(): { id: string; label: string }[] {
    return [
      ...this.catalog.map((c) => ({ id: c.id, label: `${c.name} (${formatBytes(c.bytes)})` })),
      ...this.userModels.map((m) => ({ id: m.id, label: `${m.name} (${formatBytes(m.size)}, ${m.source})` })),
    ];
  }
}
