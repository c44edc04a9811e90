import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { createSubjects } from '@switchboard/bus';

/** Removes the JetStream streams of a Switchboard namespace (those named in `createSubjects(ns).streams`). */
export async function deleteNamespaceStreams(natsUrl: string, namespace: string): Promise<void> {
  const nc = await connect({ servers: natsUrl });
  try {
    const jsm = await jetstreamManager(nc);
    for (const name of Object.values(createSubjects(namespace).streams)) {
      await jsm.streams.delete(name).catch(() => false);
    }
  } finally {
    await nc.close();
  }
}

/** The version the NATS server announces in its INFO. */
export async function natsServerVersion(natsUrl: string): Promise<string> {
  const nc = await connect({ servers: natsUrl });
  try {
    return nc.info?.version ?? 'unknown';
  } finally {
    await nc.close();
  }
}
