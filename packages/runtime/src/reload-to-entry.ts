export { reloadTo } from './reload-to.js';
