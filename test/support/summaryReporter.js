/** Ends every Jest run with one plain line, "Tests: N passed, N failed", that CI can read. */
const { existsSync, writeSync } = require('node:fs');

// As test/support/chromium.ts decides: without Chromium (and outside CI) the browser tests are skipped.
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const noBrowser = !existsSync(CHROMIUM) && !process.env.CI;
    const why = noBrowser ? ` (browser tests skipped: no Chromium at ${CHROMIUM}; apt-get install -y chromium)` : '';
    const line = `Tests: ${results.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}${why}\n`;
    // Printed at exit so that it comes after Jest's own summary, as the run's last line.
    process.once('exit', () => writeSync(2, line));
  }
}
module.exports = SummaryReporter;
