import { nodeLibrary } from '../../tsup.node-library.ts';

export default nodeLibrary();
