let active = false;

/** True while a tracing SDK registered by `registerTracing` records spans in this process. */
export function tracingActive(): boolean {
  return active;
}

/** @internal Set by `registerTracing`. */
export function setTracingActive(value: boolean): void {
  active = value;
}
