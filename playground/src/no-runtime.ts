// Stands in for @skewless/runtime in the unprotected builds (the control scenarios), so the same
// app source builds with and without Skewless.
export {};
