// The matrix provokes upstream failures on purpose (cut bodies), which the proxy logs as errors.
// Keep the output readable; run with LOG_LEVEL=error to see them. Imported before the harness.
process.env.LOG_LEVEL ??= "fatal";
