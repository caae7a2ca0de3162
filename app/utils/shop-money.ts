/**
 * Moved to app/models/ProgramSettings/shop-money.ts (utils import nothing from models).
 * Kept only until Rewards/RewardRules.server.ts imports it from there; then delete.
 */
export * from "../models/ProgramSettings/shop-money";
