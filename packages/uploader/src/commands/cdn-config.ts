import type { Command } from './command.js';
import { EXIT } from './command.js';

// Placeholder until its issue lands.
const command: Command = async (_argv, { logger }) => {
  logger.error("'cdn-config' is not implemented yet.");
  return EXIT.failed;
};
export default command;
