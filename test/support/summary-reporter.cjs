// Jest prints no "N passed, N failed" line, and its own summary always comes after custom
// reporters; so the line is written on process exit, and optionally saved for .ci/run.
const { writeFileSync } = require('node:fs');

class SummaryReporter {
  onRunComplete(_contexts, results) {
    // results.success is not yet set here: derive the verdict from the counts.
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const summary = { passed: results.numPassedTests, failed, skipped: results.numPendingTests + results.numTodoTests };
    if (process.env.SUMMARY_FILE) writeFileSync(process.env.SUMMARY_FILE, JSON.stringify(summary));
    process.once('exit', () => {
      process.stdout.write(`\n${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped\n`);
    });
  }
}
module.exports = SummaryReporter;
