import type { Reporter, TestModule } from 'vitest/node';

/**
 * Closes the run with one plain line, `tests: N passed, N failed, N skipped`, and —
 * when `SWITCHBOARD_FORBID_SKIPS` is set (CI sets it) — fails the run if any test was
 * skipped: in CI every suite, NATS included, must really run.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    const skippedNames: string[] = [];
    for (const module of testModules) {
      if (module.state() === 'failed' && [...module.children.allTests()].length === 0) failed += 1;
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed += 1;
        else if (state === 'failed') failed += 1;
        else {
          skipped += 1;
          skippedNames.push(`${module.moduleId.replace(`${process.cwd()}/`, '')} > ${test.fullName}`);
        }
      }
    }
    if (process.env.SWITCHBOARD_FORBID_SKIPS && skipped > 0) {
      process.stdout.write(`\n${skipped} test(s) were skipped, and SWITCHBOARD_FORBID_SKIPS is set:\n  ${skippedNames.slice(0, 20).join('\n  ')}\n`);
      // Vitest sets the exit code after reporters run; have the last word.
      process.on('exit', () => {
        process.exitCode = 1;
      });
    }
    process.stdout.write(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
