/// <reference types="vite/client" />

/** The playground release being built ("1", "2", …), from SKEWLESS_PLAYGROUND_VERSION. */
declare const __PLAYGROUND_VERSION__: string;
