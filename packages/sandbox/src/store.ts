import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** Metadata common to every object the sandbox stores. */
export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: Array<{
    apiVersion: string;
    kind: string;
    name: string;
    uid: string;
    controller?: boolean;
    blockOwnerDeletion?: boolean;
  }>;
}

/** A Kubernetes object as stored: kind and metadata are typed, the rest is free-form JSON. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: any;
}

interface PersistedState {
  format: 1;
  resourceVersion: number;
  objects: KubeObject[];
}

const STATE_FILE = 'cluster.json';

function keyOf(kind: string, namespace: string | undefined, name: string) {
  return `${kind}/${namespace ?? ''}/${name}`;
}

/**
 * In-memory object store with a monotonically increasing resourceVersion,
 * persisted as one JSON file so that the sandbox survives a restart.
 */
export class ClusterStore {
  private readonly objects = new Map<string, KubeObject>();
  private resourceVersion = 0;
  private saveScheduled = false;

  private constructor(private readonly file: string | undefined) {}

  /** Opens the store in dataDir; `loaded` tells whether earlier state was found. */
  static open(dataDir: string | undefined): {
    store: ClusterStore;
    loaded: boolean;
  } {
    if (!dataDir) {
      return { store: new ClusterStore(undefined), loaded: false };
    }
    fs.mkdirSync(dataDir, { recursive: true });
    const file = path.join(dataDir, STATE_FILE);
    const store = new ClusterStore(file);
    if (!fs.existsSync(file)) {
      return { store, loaded: false };
    }
    const state = JSON.parse(fs.readFileSync(file, 'utf8')) as PersistedState;
    if (state.format !== 1 || !Array.isArray(state.objects)) {
      throw new Error(`Unrecognised sandbox state in ${file}`);
    }
    store.resourceVersion = state.resourceVersion;
    for (const obj of state.objects) {
      store.objects.set(
        keyOf(obj.kind, obj.metadata.namespace, obj.metadata.name),
        obj,
      );
    }
    return { store, loaded: true };
  }

  currentResourceVersion(): string {
    return String(this.resourceVersion);
  }

  list(kind: string, namespace?: string): KubeObject[] {
    const result: KubeObject[] = [];
    for (const obj of this.objects.values()) {
      if (
        obj.kind === kind &&
        (namespace === undefined || obj.metadata.namespace === namespace)
      ) {
        result.push(obj);
      }
    }
    return result.sort((a, b) =>
      keyOf(a.kind, a.metadata.namespace, a.metadata.name).localeCompare(
        keyOf(b.kind, b.metadata.namespace, b.metadata.name),
      ),
    );
  }

  get(
    kind: string,
    namespace: string | undefined,
    name: string,
  ): KubeObject | undefined {
    return this.objects.get(keyOf(kind, namespace, name));
  }

  /** Stores a new object, filling uid, resourceVersion and creationTimestamp. */
  create(obj: KubeObject): KubeObject {
    const key = keyOf(obj.kind, obj.metadata.namespace, obj.metadata.name);
    if (this.objects.has(key)) {
      throw new Error(`${key} already exists`);
    }
    const stored: KubeObject = structuredClone(obj);
    stored.metadata.uid = stored.metadata.uid ?? randomUUID();
    stored.metadata.creationTimestamp =
      stored.metadata.creationTimestamp ?? new Date().toISOString();
    stored.metadata.resourceVersion = this.nextResourceVersion();
    this.objects.set(key, stored);
    this.scheduleSave();
    return stored;
  }

  /** Replaces a stored object and bumps its resourceVersion. */
  update(obj: KubeObject): KubeObject {
    const key = keyOf(obj.kind, obj.metadata.namespace, obj.metadata.name);
    const existing = this.objects.get(key);
    if (!existing) {
      throw new Error(`${key} does not exist`);
    }
    const stored: KubeObject = structuredClone(obj);
    stored.metadata.uid = existing.metadata.uid;
    stored.metadata.creationTimestamp = existing.metadata.creationTimestamp;
    stored.metadata.resourceVersion = this.nextResourceVersion();
    this.objects.set(key, stored);
    this.scheduleSave();
    return stored;
  }

  delete(kind: string, namespace: string | undefined, name: string): boolean {
    const deleted = this.objects.delete(keyOf(kind, namespace, name));
    if (deleted) {
      this.nextResourceVersion();
      this.scheduleSave();
    }
    return deleted;
  }

  /** Writes the state now (atomically: write a temporary file, then rename). */
  saveNow(): void {
    this.saveScheduled = false;
    if (!this.file) {
      return;
    }
    const state: PersistedState = {
      format: 1,
      resourceVersion: this.resourceVersion,
      objects: [...this.objects.values()],
    };
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(state));
    fs.renameSync(tmp, this.file);
  }

  private nextResourceVersion(): string {
    this.resourceVersion += 1;
    return String(this.resourceVersion);
  }

  // Many mutations happen per request (a scale touches pods, replica sets and
  // events), so writes are coalesced into one save per event-loop turn.
  private scheduleSave() {
    if (this.saveScheduled || !this.file) {
      return;
    }
    this.saveScheduled = true;
    setImmediate(() => {
      if (this.saveScheduled) {
        this.saveNow();
      }
    });
  }
}
