export { followReactRouter } from './react-router.js';
export type { ReactRouterLike, ReactRouterPath } from './types.js';
