/** Undo steps run last-in first-out, each once, each even if an earlier one failed. */
export interface CleanupStack {
  /** Registers a step; returns a function that runs it now (and removes it). */
  defer(label: string, step: () => Promise<void> | void): () => Promise<void>;
  /**
   * Runs every remaining step, newest first; failures are reported on stderr and do not
   * stop the others. Calls made while a run is under way join it (a signal handler and
   * the normal path may both ask), so steps never run out of order.
   */
  runAll(): Promise<void>;
}

/** Creates an empty cleanup stack. */
export function createCleanupStack(): CleanupStack {
  const steps: Array<{ label: string; step: () => Promise<void> | void }> = [];
  let running: Promise<void> | undefined;
  const run = async (entry: { label: string; step: () => Promise<void> | void }): Promise<void> => {
    try {
      await entry.step();
    } catch (error) {
      process.stderr.write(`cleanup "${entry.label}" failed: ${(error as Error).message}\n`);
    }
  };
  return {
    defer(label, step) {
      const entry = { label, step };
      steps.push(entry);
      return async () => {
        const index = steps.indexOf(entry);
        if (index < 0) return;
        steps.splice(index, 1);
        await run(entry);
      };
    },
    runAll() {
      running ??= (async () => {
        for (let entry = steps.pop(); entry; entry = steps.pop()) await run(entry);
      })().finally(() => {
        running = undefined;
      });
      return running;
    },
  };
}
