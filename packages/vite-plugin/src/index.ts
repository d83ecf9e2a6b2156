// @skewless/vite (issue 3): hashed names, manifest, determinism, upload in writeBundle.
export {};
