// Origin middleware (issue 6): serves a build directory by its manifest with the right headers.
export {};
