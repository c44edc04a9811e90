import { JetStreamApiCodes, JetStreamApiError, type JetStreamManager, type StreamInfo, StorageType } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import type { StreamSettings } from './stream-settings.ts';

async function findStream(jsm: JetStreamManager, name: string): Promise<StreamInfo | undefined> {
  try {
    return await jsm.streams.info(name);
  } catch (error) {
    if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound) {
      return undefined;
    }
    throw error;
  }
}

function sameSubjects(a: ReadonlyArray<string>, b: ReadonlyArray<string>): boolean {
  return a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');
}

/**
 * Creates a JetStream stream (file storage) if it is missing, or updates its subjects if
 * they differ. Safe when several processes run it at once: the server accepts an `add`
 * identical to the existing stream, and a lost race falls back to updating.
 */
export async function ensureNatsStream(jsm: JetStreamManager, settings: StreamSettings): Promise<void> {
  let info = await findStream(jsm, settings.name);
  if (info === undefined) {
    try {
      await jsm.streams.add({
        name: settings.name,
        subjects: [...settings.subjects],
        storage: StorageType.File,
        duplicate_window: nanos(settings.duplicateWindowMs),
        max_age: nanos(settings.maxAgeMs),
      });
      return;
    } catch (error) {
      // Another process created it between our info and our add, with another configuration.
      info = await findStream(jsm, settings.name);
      if (info === undefined) {
        throw error;
      }
    }
  }
  if (!sameSubjects(info.config.subjects ?? [], settings.subjects)) {
    await jsm.streams.update(settings.name, { subjects: [...settings.subjects] });
  }
}
