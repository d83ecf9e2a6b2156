import { install } from './install.js';

// `import '@skewless/runtime'`: install with defaults; a later install({ … }) replaces this one.
install();
