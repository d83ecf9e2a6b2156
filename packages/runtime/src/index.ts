// @skewless/runtime (issue 5): guarded reload on chunk-load failures.
export {};
