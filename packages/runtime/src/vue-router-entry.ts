export type { VueRouteLike, VueRouterLike } from './types.js';
export { followVueRouter } from './vue-router.js';
