/** `/provider/v1/win` (PROTOCOL §5 "Wins"): credit a round's win, optionally closing the round. */
import { Minor } from '../../domain/money';
import { judgeWin } from '../../domain/rounds';
import { MoneyAnswer } from '../wallet/answers';
import { ProviderLedgerStore } from './providerLedgerStore';
import { Decide, ProviderCommand, recordProviderTransaction } from './recordProviderTransaction';

export type WinInput = Omit<ProviderCommand, 'type' | 'meaningful'>;

export function winCommand(input: WinInput, amount: Minor, roundClosed: boolean): ProviderCommand {
  const meaningful = {
    amount,
    roundId: input.roundId,
    gameId: input.gameId,
    freeSpinId: input.freeSpinId,
    refTransactionId: input.refTransactionId,
    roundClosed,
  };
  return { ...input, type: 'win', meaningful };
}

export function settleWin(
  store: ProviderLedgerStore,
  input: WinInput,
  amount: Minor,
  roundClosed: boolean,
): Promise<MoneyAnswer> {
  return recordProviderTransaction(
    store,
    winCommand(input, amount, roundClosed),
    decideWin(input, amount, roundClosed),
  );
}

/**
 * The win rule: a stored bet of this round and game (or a free-spin campaign of this game and player), not
 * rolled back, round open.
 */
export function decideWin(command: WinInput, amount: Minor, roundClosed: boolean): Decide {
  return async (scope, key) => {
    const { provider, session } = command;
    const round = await scope.lockRound(key);
    const named =
      command.refTransactionId === null ? null : await scope.findWithRollback(provider.id, command.refTransactionId);
    const ref = named === null ? undefined : named.transaction;
    const refRolledBack = named?.rollback != null;
    // A free-spin win needs no stored bet when it is on the campaign's game for a player in it, whatever
    // the campaign's state now; any other win naming a freeSpinID is 16 (judgeWin).
    const slot =
      command.freeSpinId === null
        ? null
        : await scope.lockFreeSpinSlot(session.operatorId, command.freeSpinId, session.userId, command.gameId);
    const freeSpin =
      command.freeSpinId === null
        ? undefined
        : slot && { playerInCampaign: slot.spinsUsed !== null, gameIncluded: slot.gameIncluded };
    const refusal = judgeWin({
      round,
      gameId: command.gameId,
      userId: session.userId,
      roundId: command.roundId,
      ref,
      refRolledBack,
      freeSpin,
    });
    if (refusal) return { kind: 'refuse', refusal };
    const closeReason = roundClosed ? 'round_closed' : undefined;
    return {
      kind: 'apply',
      delta: amount,
      listedAmount: amount,
      refPlatformTransactionId: ref?.platformTransactionId,
      effects: async (s) => {
        if (round) await s.changeRound(round.id, { wins: 1, closeReason });
        else await s.openRound(key, command.gameId, { wins: 1, closeReason });
        if (slot) await s.changeFreeSpinPlayer(slot.campaignId, session.userId, { win: amount });
      },
    };
  };
}
