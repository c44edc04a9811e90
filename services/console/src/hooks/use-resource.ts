import { type DependencyList, useCallback, useEffect, useRef, useState } from 'react';

/** What `useResource` knows: the last data, the last error, and whether the first load is still running. */
export interface Resource<T> {
  readonly data: T | undefined;
  readonly error: Error | undefined;
  readonly loading: boolean;
  /** Loads again now (after a change the page made). */
  readonly reload: () => void;
}

/**
 * Loads `load()` when `deps` change, and again every `pollMs` if given. Keeps showing the last
 * data while a poll runs, so a live page doesn't flicker; a failed poll shows its error
 * until one succeeds.
 */
export function useResource<T>(load: () => Promise<T>, deps: DependencyList, options: { pollMs?: number } = {}): Resource<T> {
  const [state, setState] = useState<{ data: T | undefined; error: Error | undefined; loading: boolean }>({ data: undefined, error: undefined, loading: true });
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    // New inputs: forget the old data, so one lead's page never shows another's.
    setState({ data: undefined, error: undefined, loading: true });
  }, deps); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      try {
        const data = await loadRef.current();
        if (!cancelled) setState({ data, error: undefined, loading: false });
      } catch (error) {
        if (!cancelled) setState((s) => ({ data: s.data, error: error instanceof Error ? error : new Error(String(error)), loading: false }));
      }
      if (!cancelled && options.pollMs) timer = setTimeout(() => void run(), options.pollMs);
    };
    void run();
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [...deps, tick, options.pollMs]); // eslint-disable-line react-hooks/exhaustive-deps

  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}
