/** Ends every Jest run with one plain line, "Tests: N passed, N failed", that CI can read. */
const { writeSync } = require('node:fs');

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const line = `Tests: ${results.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`;
    // Printed at exit so that it comes after Jest's own summary, as the run's last line.
    process.once('exit', () => writeSync(2, line));
  }
}
module.exports = SummaryReporter;
