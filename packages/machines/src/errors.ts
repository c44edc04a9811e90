import { SwitchboardError } from '@switchboard/core';

/** A stored actor snapshot was written by a machine version this code can't read. */
export class SnapshotVersionError extends SwitchboardError {
  override name = 'SnapshotVersionError';
  /** The machine version that wrote the snapshot. */
  readonly found: number;
  /** The newest version this code reads. */
  readonly supported: number;

  constructor(machine: string, found: number, supported: number, options?: ErrorOptions) {
    super(
      `a stored ${machine} snapshot was written by machine version ${found}, newer than this code's ${supported}: ` +
        'run the Switchboard version that wrote it (or a newer one); the snapshot was left as it is',
      options,
    );
    this.found = found;
    this.supported = supported;
  }
}
