/** `/provider/v1/bet` (PROTOCOL §5 "Bets"): debit the stake, or use one free spin of a campaign. */
import { judgeFreeSpinBet } from '../../domain/freeSpins';
import { Minor } from '../../domain/money';
import { judgeProtectedBet } from '../../domain/playerProtection';
import { Refusal } from '../../domain/resultCodes';
import { judgeBet } from '../../domain/rounds';
import { MoneyAnswer } from '../wallet/answers';
import { ProviderLedgerScope, ProviderLedgerStore } from './providerLedgerStore';
import { Decide, ProviderCommand, recordProviderTransaction } from './recordProviderTransaction';

export type BetInput = Omit<ProviderCommand, 'type' | 'meaningful' | 'refTransactionId'>;

export function betCommand(input: BetInput, amount: Minor): ProviderCommand {
  const meaningful = { amount, roundId: input.roundId, gameId: input.gameId, freeSpinId: input.freeSpinId };
  return { ...input, type: 'bet', refTransactionId: null, meaningful };
}

export function placeBet(store: ProviderLedgerStore, input: BetInput, amount: Minor): Promise<MoneyAnswer> {
  return recordProviderTransaction(store, betCommand(input, amount), decideBet(input, amount));
}

/**
 * The player's protection (PROTOCOL §14), judged before any other bet rule: a restricted player, or a
 * stake above its maxBet, is code 19, and in seamless mode no Withdraw is ever sent for it. The facts
 * come with the bet's locking statement (no query of their own). A free-spin bet stakes nothing.
 */
export async function refuseProtectedBet(
  scope: ProviderLedgerScope,
  command: BetInput,
  amount: Minor,
  now: Date,
): Promise<Refusal | null> {
  const { session } = command;
  const facts = await scope.playerProtection(session.operatorId, session.userId, session.currency);
  return judgeProtectedBet(facts, command.freeSpinId === null ? amount : (0n as Minor), now);
}

/**
 * The bet rule: protection, tombstone, round, then either one free spin of the campaign (no money
 * moves) or a debit of the stake. In seamless mode the debit is the operator's Withdraw; the decision
 * is the same.
 */
export function decideBet(command: BetInput, amount: Minor, now: () => Date = () => new Date()): Decide {
  return async (scope, key) => {
    const protectedBet = await refuseProtectedBet(scope, command, amount, now());
    if (protectedBet) return { kind: 'refuse', refusal: protectedBet };
    const { round, tombstone } = await scope.lockRoundForBet(key, command.transactionId);
    const refusal = judgeBet({ round, tombstone, gameId: command.gameId });
    if (refusal) return { kind: 'refuse', refusal };
    const countBet = () => scope.countBet(key, command.gameId);

    if (command.freeSpinId !== null) {
      const slot = await scope.lockFreeSpinSlot(
        command.session.operatorId,
        command.freeSpinId,
        command.session.userId,
        command.gameId,
      );
      const freeSpinRefusal = judgeFreeSpinBet({
        campaign: slot?.campaign ?? null,
        now: now(),
        spinsUsed: slot?.spinsUsed ?? null,
        gameIncluded: slot?.gameIncluded ?? false,
        amount,
        currency: command.session.currency,
      });
      if (freeSpinRefusal || !slot) return { kind: 'refuse', refusal: freeSpinRefusal! };
      // The campaign pays: no money leaves the wallet, one spin is used.
      return {
        kind: 'apply',
        delta: 0n as Minor,
        listedAmount: 0n as Minor,
        effects: async (s) => {
          await s.changeFreeSpinPlayer(slot.campaignId, command.session.userId, { spinsUsed: 1 });
          await countBet();
        },
      };
    }
    return { kind: 'apply', delta: -amount as Minor, listedAmount: amount, effects: countBet };
  };
}
