/** `/provider/v1/bet` (PROTOCOL §5 "Bets"): debit the stake, or use one free spin of a campaign. */
import { judgeFreeSpinBet } from '../../domain/freeSpins';
import { Minor } from '../../domain/money';
import { judgeBet } from '../../domain/rounds';
import { MoneyAnswer } from '../wallet/answers';
import { ProviderLedgerStore } from './providerLedgerStore';
import { ProviderCommand, recordProviderTransaction } from './recordProviderTransaction';

export function placeBet(
  store: ProviderLedgerStore,
  command: Omit<ProviderCommand, 'type' | 'meaningful' | 'refTransactionId'>,
  amount: Minor,
  now: () => Date = () => new Date(),
): Promise<MoneyAnswer> {
  const meaningful = { amount, roundId: command.roundId, gameId: command.gameId, freeSpinId: command.freeSpinId };
  return recordProviderTransaction(store, { ...command, type: 'bet', refTransactionId: null, meaningful }, async (scope, _wallet, key) => {
    const tombstone = (await scope.findRollbackOf(command.provider.id, command.transactionId)) !== null;
    const round = await scope.lockRound(key);
    const refusal = judgeBet({ round, tombstone, gameId: command.gameId });
    if (refusal) return { kind: 'refuse', refusal };
    const countBet = round
      ? () => scope.changeRound(round.id, { bets: 1 })
      : () => scope.openRound(key, command.gameId, { bets: 1 });

    if (command.freeSpinId !== null) {
      const slot = await scope.lockFreeSpinSlot(command.session.operatorId, command.freeSpinId, command.session.userId, command.gameId);
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
  });
}
