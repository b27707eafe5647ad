/** `/provider/v1/rollback` (PROTOCOL §5 "Rollbacks"): give a bet's stake back, or leave a tombstone. */
import { Minor } from '../../domain/money';
import { ResultCode, defaultMessage } from '../../domain/resultCodes';
import { judgeRollback } from '../../domain/rounds';
import { MoneyAnswer } from '../wallet/answers';
import { ProviderLedgerStore } from './providerLedgerStore';
import { Decide, ProviderCommand, recordProviderTransaction } from './recordProviderTransaction';

export type RollbackInput = Omit<ProviderCommand, 'type' | 'meaningful' | 'freeSpinId' | 'refTransactionId'> & {
  refTransactionId: string;
};

export function rollbackCommand(input: RollbackInput): ProviderCommand {
  const meaningful = { roundId: input.roundId, gameId: input.gameId, refTransactionId: input.refTransactionId };
  return { ...input, type: 'rollback', freeSpinId: null, meaningful };
}

export function rollbackBet(store: ProviderLedgerStore, input: RollbackInput): Promise<MoneyAnswer> {
  return recordProviderTransaction(store, rollbackCommand(input), decideRollback(input));
}

/** The rollback rule: reverse a bet of this round and player, leave a tombstone for an unknown one. */
export function decideRollback(command: RollbackInput): Decide {
  return async (scope, key) => {
    const { provider, session } = command;
    const { transaction: bet, rollback: previousRollback } = await scope.findWithRollback(
      provider.id,
      command.refTransactionId,
    );
    const round = await scope.lockRound(key);
    const decision = judgeRollback({ bet, previousRollback, round, roundId: command.roundId, userId: session.userId });
    switch (decision.kind) {
      case 'refused':
        return { kind: 'refuse', refusal: decision.refusal };
      case 'already-rolled-back':
        return {
          kind: 'answer',
          answer: {
            code: ResultCode.DUPLICATE_TRANSACTION,
            message: `${defaultMessage(ResultCode.DUPLICATE_TRANSACTION)}: bet ${command.refTransactionId} was already rolled back`,
            balance: decision.original.balanceAfter,
            platformTransactionId: decision.original.platformTransactionId,
          },
        };
      case 'tombstone':
        return { kind: 'apply', delta: 0n as Minor, listedAmount: 0n as Minor, effects: async () => undefined };
      case 'reverse': {
        const freeSpinId = decision.freeSpinId;
        return {
          kind: 'apply',
          delta: decision.refund,
          listedAmount: decision.refund,
          refPlatformTransactionId: bet?.platformTransactionId,
          effects: async (s) => {
            if (round) await s.changeRound(round.id, { rolledBack: 1 });
            if (freeSpinId !== null) {
              // A rolled-back free bet gives its spin back to the player.
              const slot = await s.lockFreeSpinSlot(session.operatorId, freeSpinId, session.userId, command.gameId);
              if (slot && slot.spinsUsed !== null)
                await s.changeFreeSpinPlayer(slot.campaignId, session.userId, { spinsUsed: -1 });
            }
          },
        };
      }
    }
  };
}
