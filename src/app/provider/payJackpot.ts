/** `/provider/v1/jackpot` (PROTOCOL §5): promotional money, credited without a bet. */
import { Minor } from '../../domain/money';
import { MoneyAnswer } from '../wallet/answers';
import { ProviderLedgerStore } from './providerLedgerStore';
import { ProviderCommand, recordProviderTransaction } from './recordProviderTransaction';

export function payJackpot(
  store: ProviderLedgerStore,
  command: Omit<ProviderCommand, 'type' | 'meaningful' | 'freeSpinId' | 'refTransactionId'>,
  amount: Minor,
  jackpotId: string,
): Promise<MoneyAnswer> {
  const meaningful = { amount, roundId: command.roundId, gameId: command.gameId, jackpotId };
  const full = { ...command, type: 'jackpot' as const, freeSpinId: null, refTransactionId: null, meaningful };
  return recordProviderTransaction(store, full, async () => ({
    kind: 'apply',
    delta: amount,
    listedAmount: amount,
    effects: async () => undefined,
  }));
}
