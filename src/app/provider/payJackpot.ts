/** `/provider/v1/jackpot` (PROTOCOL §5): promotional money, credited without a bet. */
import { Minor } from '../../domain/money';
import { MoneyAnswer } from '../wallet/answers';
import { ProviderLedgerStore } from './providerLedgerStore';
import { Decide, ProviderCommand, recordProviderTransaction } from './recordProviderTransaction';

export type JackpotInput = Omit<ProviderCommand, 'type' | 'meaningful' | 'freeSpinId' | 'refTransactionId'>;

export function jackpotCommand(input: JackpotInput, amount: Minor, jackpotId: string): ProviderCommand {
  const meaningful = { amount, roundId: input.roundId, gameId: input.gameId, jackpotId };
  return { ...input, type: 'jackpot', freeSpinId: null, refTransactionId: null, meaningful };
}

export function payJackpot(
  store: ProviderLedgerStore,
  input: JackpotInput,
  amount: Minor,
  jackpotId: string,
): Promise<MoneyAnswer> {
  return recordProviderTransaction(store, jackpotCommand(input, amount, jackpotId), decideJackpot(amount));
}

/** Jackpots need no bet and no open round: promotional money is always paid. */
export function decideJackpot(amount: Minor): Decide {
  return async () => ({ kind: 'apply', delta: amount, listedAmount: amount, effects: async () => undefined });
}
